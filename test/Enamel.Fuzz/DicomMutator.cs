using System.Buffers.Binary;

namespace Enamel.Dicom.Fuzz;

/// <summary>
/// Blind, DICOM-aware mutations of corpus inputs: bit flips, interesting integers, byte inserts and deletes,
/// length-field and VR corruption at element headers, block duplication, truncation and splicing.
/// Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public sealed class DicomMutator(IReadOnlyList<byte[]> corpus, Random random, int maxLength = 1 << 20)
{
    private static readonly uint[] InterestingLengths =
        [0, 1, 2, 3, 4, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 0x10000,
         0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFE, 0xFFFFFFFF];

    private static readonly string[] VRs =
        ["SQ", "UN", "OB", "OW", "OF", "OD", "OL", "OV", "UT", "UC", "UR", "LT", "ST", "SH", "LO", "PN", "UI", "CS",
         "DS", "IS", "DA", "TM", "DT", "AT", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV", "AE", "AS", "XX"];

    private static readonly byte[][] Tokens =
    [
        [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF], // item, undefined length
        [0xFE, 0xFF, 0x0D, 0xE0, 0x00, 0x00, 0x00, 0x00], // item delimiter
        [0xFE, 0xFF, 0xDD, 0xE0, 0x00, 0x00, 0x00, 0x00], // sequence delimiter
        [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], // encapsulated pixel data
        [0x08, 0x00, 0x05, 0x00, (byte)'C', (byte)'S', 10, 0, .."ISO_IR 192"u8], // UTF-8 character set
        [0x08, 0x00, 0x05, 0x00, (byte)'C', (byte)'S', 16, 0, .."\\ISO 2022 IR 87"u8],
        [0x08, 0x00, 0x11, 0x11, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], // sequence, undefined length
        [0x09, 0x00, 0x10, 0x00, (byte)'U', (byte)'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], // private UN, undefined length
    ];

    /// <summary>A new input: a random corpus entry with one to four stacked mutations.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        int rounds = 1 + random.Next(4);
        for (int i = 0; i < rounds; i++) Mutate(data);
        if (data.Count > maxLength) data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void Mutate(List<byte> d)
    {
        if (d.Count == 0) { d.AddRange(corpus[random.Next(corpus.Count)]); return; }
        switch (random.Next(12))
        {
            case 0: FlipBits(d); break;
            case 1: d[random.Next(d.Count)] = (byte)random.Next(256); break;
            case 2: InsertBytes(d); break;
            case 3: DeleteBytes(d); break;
            case 4: case 5: CorruptLength(d); break;
            case 6: CorruptVR(d); break;
            case 7: Truncate(d); break;
            case 8: Splice(d); break;
            case 9: DuplicateBlock(d); break;
            case 10: InsertToken(d); break;
            default: WriteInteresting(d, random.Next(d.Count)); break;
        }
    }

    private void FlipBits(List<byte> d)
    {
        int flips = 1 + random.Next(8);
        for (int i = 0; i < flips; i++)
        {
            int at = random.Next(d.Count);
            d[at] ^= (byte)(1 << random.Next(8));
        }
    }

    private void InsertBytes(List<byte> d)
    {
        var bytes = new byte[1 + random.Next(16)];
        if (random.Next(2) == 0) random.NextBytes(bytes);
        else Array.Fill(bytes, (byte)(random.Next(2) == 0 ? 0 : 0xFF));
        d.InsertRange(random.Next(d.Count + 1), bytes);
    }

    private void DeleteBytes(List<byte> d)
    {
        int at = random.Next(d.Count);
        int count = Math.Min(d.Count - at, 1 + random.Next(random.Next(2) == 0 ? 8 : 512));
        d.RemoveRange(at, count);
    }

    private void Truncate(List<byte> d)
    {
        if (d.Count == 0) return;
        int keep = random.Next(d.Count);
        d.RemoveRange(keep, d.Count - keep);
    }

    /// <summary>Finds an element header near a random spot (an explicit VR or an item tag) and rewrites its length.</summary>
    private void CorruptLength(List<byte> d)
    {
        var header = FindHeader(d);
        if (header is not { } h) { WriteInteresting(d, random.Next(d.Count)); return; }
        uint current = h.LengthSize == 4 ? ReadUInt32(d, h.LengthAt) : ReadUInt16(d, h.LengthAt);
        uint value = random.Next(3) switch
        {
            0 => InterestingLengths[random.Next(InterestingLengths.Length)],
            1 => current + (uint)random.Next(-16, 17),
            _ => (uint)random.Next(),
        };
        if (h.LengthSize == 4) WriteUInt32(d, h.LengthAt, value);
        else WriteUInt16(d, h.LengthAt, (ushort)value);
    }

    private void CorruptVR(List<byte> d)
    {
        var header = FindHeader(d);
        if (header is not { IsItem: false } h) { FlipBits(d); return; }
        var vr = VRs[random.Next(VRs.Length)];
        d[h.TagAt + 4] = (byte)vr[0];
        d[h.TagAt + 5] = (byte)vr[1];
    }

    private readonly record struct Header(int TagAt, int LengthAt, int LengthSize, bool IsItem);

    /// <summary>The first element or item header at or after a random offset (wrapping); null when none.</summary>
    private Header? FindHeader(List<byte> d)
    {
        int start = random.Next(d.Count);
        for (int n = 0; n < d.Count; n++)
        {
            int p = (start + n) % d.Count;
            if (p + 12 > d.Count) continue;
            if (d[p] == 0xFE && d[p + 1] == 0xFF && d[p + 2] is 0x00 or 0x0D or 0xDD && d[p + 3] == 0xE0)
                return new Header(p, p + 4, 4, IsItem: true);
            byte a = d[p + 4], b = d[p + 5];
            if (a is >= (byte)'A' and <= (byte)'Z' && b is >= (byte)'A' and <= (byte)'Z')
            {
                var code = $"{(char)a}{(char)b}";
                bool longLength = code is "OB" or "OW" or "OF" or "OD" or "OL" or "OV" or "SQ" or "UT" or "UC" or "UR" or "UN" or "SV" or "UV";
                return longLength ? new Header(p, p + 8, 4, false) : new Header(p, p + 6, 2, false);
            }
        }
        return null;
    }

    private void Splice(List<byte> d)
    {
        var other = corpus[random.Next(corpus.Count)];
        if (other.Length == 0) return;
        int cut = random.Next(d.Count + 1);
        int from = random.Next(other.Length);
        d.RemoveRange(cut, d.Count - cut);
        d.AddRange(other.AsSpan(from).ToArray());
    }

    private void DuplicateBlock(List<byte> d)
    {
        int at = random.Next(d.Count);
        int count = Math.Min(d.Count - at, 1 + random.Next(256));
        var block = d.GetRange(at, count);
        d.InsertRange(random.Next(d.Count + 1), block);
    }

    private void InsertToken(List<byte> d) => d.InsertRange(random.Next(d.Count + 1), Tokens[random.Next(Tokens.Length)]);

    private void WriteInteresting(List<byte> d, int at)
    {
        uint v = InterestingLengths[random.Next(InterestingLengths.Length)];
        if (random.Next(2) == 0) { if (at + 2 <= d.Count) WriteUInt16(d, at, (ushort)v); }
        else if (at + 4 <= d.Count) WriteUInt32(d, at, v);
    }

    private static ushort ReadUInt16(List<byte> d, int at) => (ushort)(d[at] | d[at + 1] << 8);
    private static uint ReadUInt32(List<byte> d, int at) => (uint)(d[at] | d[at + 1] << 8 | d[at + 2] << 16 | d[at + 3] << 24);

    private static void WriteUInt16(List<byte> d, int at, ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        d[at] = b[0]; d[at + 1] = b[1];
    }

    private static void WriteUInt32(List<byte> d, int at, uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        for (int i = 0; i < 4; i++) d[at + i] = b[i];
    }
}
