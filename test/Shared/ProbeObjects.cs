using System.Buffers.Binary;
using System.IO.Compression;
using Enamel.Dicom;

namespace Enamel.TestShared;

/// <summary>Objects an outside probe sent (issue 11): a deflate bomb and corrupt variants of a sound file, shared by the Core, Server and CLI tests.</summary>
public static class ProbeObjects
{
    /// <summary>The probe's bomb: Deflated Explicit VR LE with a 1 GiB private OB before Pixel Data (about 1 MB on the wire).</summary>
    public static byte[] DeflateBomb(long privateBytes = 1L << 30)
    {
        const string sop = "1.2.3.4.5.6.7.8.9";
        static void Write(BinaryWriter w, ushort g, ushort e, string vr, string v)
        {
            if (v.Length % 2 == 1) v += vr == "UI" ? "\0" : " ";
            w.Write(g); w.Write(e); w.Write(System.Text.Encoding.ASCII.GetBytes(vr)); w.Write((ushort)v.Length); w.Write(System.Text.Encoding.ASCII.GetBytes(v));
        }
        var elements = new MemoryStream();
        var ew = new BinaryWriter(elements);
        ew.Write((ushort)0x0002); ew.Write((ushort)0x0001); ew.Write("OB"u8); ew.Write((ushort)0); ew.Write(2); ew.Write((byte)0); ew.Write((byte)1);
        Write(ew, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7");
        Write(ew, 0x0002, 0x0003, "UI", sop);
        Write(ew, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1.99");
        ew.Flush();
        var meta = new MemoryStream();
        var w = new BinaryWriter(meta);
        w.Write(new byte[128]);
        w.Write("DICM"u8);
        w.Write((ushort)0x0002); w.Write((ushort)0x0000); w.Write("UL"u8); w.Write((ushort)4); w.Write((uint)elements.Length);
        w.Write(elements.ToArray());
        w.Flush();

        var dataset = new MemoryStream();
        using (var deflate = new DeflateStream(dataset, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var dw = new BinaryWriter(deflate);
            void Text(ushort g, ushort e, string vr, string v) => Write(dw, g, e, vr, v);
            Text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7");
            Text(0x0008, 0x0018, "UI", sop);
            Text(0x0010, 0x0010, "PN", "Bomb^Deflate");
            Text(0x0010, 0x0020, "LO", "BOMB-1");
            Text(0x0020, 0x000D, "UI", "1.2.3.4.5.6.7.8.10");
            Text(0x0020, 0x000E, "UI", "1.2.3.4.5.6.7.8.11");
            Text(0x0029, 0x0010, "LO", "BOMB");
            dw.Write((ushort)0x0029); dw.Write((ushort)0x1000); dw.Write("OB"u8); dw.Write((ushort)0); dw.Write((uint)privateBytes);
            var zeros = new byte[1 << 20];
            for (long left = privateBytes; left > 0; left -= zeros.Length) dw.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            dw.Flush();
        }
        return [.. meta.ToArray(), .. dataset.ToArray()];
    }


    /// <summary>Corrupt variants of a sound native file (CT_small) that the archive must refuse, by name.</summary>
    public static IReadOnlyDictionary<string, byte[]> CorruptVariants(byte[] sound)
    {
        var variants = new Dictionary<string, byte[]>();
        variants["pixel-data-past-the-end"] = sound[..^100];
        variants["trailing-garbage"] = [.. sound, 0x13, 0x37, 0xAB, 0xCD, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];
        var group = (byte[])sound.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(group.AsSpan(140), 0x7FFFFFF0);
        variants["absurd-meta-group-length"] = group;
        using (var file = DicomFile.Open(new MemoryStream(sound)))
        {
            var pixels = (DicomValueElement)file.Dataset[DicomTags.PixelData]!;
            file.Dataset.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels.Value.GetMemory().ToArray()[..1000]);
            variants["pixel-data-shorter-than-the-image"] = Save(file);
        }
        // The same number of bytes, so the meta group length stays true: only the syntax becomes one nobody defined.
        var unknown = (byte[])sound.Clone();
        var syntax = System.Text.Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1");
        int at = unknown.AsSpan(0, 400).IndexOf(syntax);
        System.Text.Encoding.ASCII.GetBytes("1.2.840.99999.1.2.1").CopyTo(unknown, at);
        variants["unknown-transfer-syntax"] = unknown;
        return variants;
    }

    /// <summary>A JPEG 2000 file whose first fragment no longer starts a codestream.</summary>
    public static byte[] BadFirstFragment(byte[] jpeg2000)
    {
        using var file = DicomFile.Open(new MemoryStream(jpeg2000));
        var fragments = (DicomFragmentSequence)file.Dataset[DicomTags.PixelData]!;
        var first = fragments.Fragments[0].GetMemory().ToArray();
        first[0] = 0x00;
        fragments.Fragments[0] = DicomValue.FromBytes(first);
        return Save(file);
    }

    private static byte[] Save(DicomFile file)
    {
        var ms = new MemoryStream();
        file.Save(ms);
        return ms.ToArray();
    }

    /// <summary>Seeded byte mutations of a file (flips, truncations, insertions, length fields overwritten), like the probe's fuzz.</summary>
    public static IEnumerable<byte[]> Mutations(byte[] sound, int count, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var b = (byte[])sound.Clone();
            switch (random.Next(5))
            {
                case 0:
                    for (int k = random.Next(1, 8); k > 0; k--) b[random.Next(132, b.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    b = b[..random.Next(200, b.Length)];
                    break;
                case 2:
                {
                    int at = random.Next(132, b.Length);
                    var junk = new byte[random.Next(1, 64)];
                    random.NextBytes(junk);
                    b = [.. b[..at], .. junk, .. b[at..]];
                    break;
                }
                case 3:
                {
                    int at = random.Next(132, b.Length - 4);
                    BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), (uint)random.Next());
                    break;
                }
                default:
                {
                    var junk = new byte[random.Next(1, 4096)];
                    random.NextBytes(junk);
                    b = [.. b, .. junk];
                    break;
                }
            }
            yield return b;
        }
    }
}
