using System.Buffers;
using System.Text;

namespace Enamel.Dicom;

/// <summary>
/// The ISO/IEC 2022 code extension of PS3.5 6.1.2.5. The sets of value 1 are designated at the start of a value;
/// an escape sequence designates another declared set to G0 or G1. The sets of value 1 become active again at
/// CR, LF, FF, TAB (any control other than ESC), at the value delimiter "\" of multi-valued VRs, and at the
/// component delimiters "^" and "=" of PN. Those delimiters are recognised only while G0 holds a single-byte
/// set: a 0x5C inside a two-byte JIS X 0208 character is part of the character.
/// </summary>
public sealed partial class DicomCharacterSet
{
    private const byte Esc = 0x1B;

    private string DecodeIso2022(ReadOnlySpan<byte> bytes, DicomVR vr)
    {
        var sets = iso2022!;
        if (sets.InitialG0.Kind is SetKind.Ascii or SetKind.JisRoman && bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0 && !bytes.Contains(Esc))
            return Encoding.ASCII.GetString(bytes);

        bool multiValued = vr.IsMultiValuedString(), pn = vr == DicomVR.PN;
        var text = new StringBuilder(bytes.Length);
        var g0 = sets.InitialG0;
        var g1 = sets.InitialG1;
        int i = 0;
        while (i < bytes.Length)
        {
            byte b = bytes[i];
            if (b == Esc)
            {
                i = ReadEscape(bytes, i, text, ref g0, ref g1);
            }
            else if (b < 0x20 || b == 0x7F)
            {
                text.Append((char)b);
                (g0, g1) = (sets.InitialG0, sets.InitialG1);
                i++;
            }
            else if (b < 0x80 && g0.IsMultiByte && b != 0x20)
            {
                int end = i;
                while (end < bytes.Length && bytes[end] is >= 0x21 and <= 0x7E) end++;
                AppendMultiByte(text, g0, bytes[i..end]);
                i = end;
            }
            else if (b < 0x80)
            {
                bool delimiter = g0.Kind is SetKind.Ascii or SetKind.JisRoman &&
                    ((b == '\\' && multiValued) || (pn && b is (byte)'^' or (byte)'='));
                text.Append(g0.Kind == SetKind.JisKatakana && b != 0x20 ? Katakana(b | 0x80) : (char)b);
                if (delimiter) (g0, g1) = (sets.InitialG0, sets.InitialG1);
                i++;
            }
            else if ((g1 ?? sets.FallbackG1) is { IsMultiByte: true } multi)
            {
                int end = i;
                while (end < bytes.Length && bytes[end] >= 0x80) end++;
                AppendMultiByte(text, multi, bytes[i..end]);
                i = end;
            }
            else
            {
                var upper = g1 ?? sets.FallbackG1;
                text.Append(upper is null ? (char)b : upper.Kind == SetKind.JisKatakana ? Katakana(b) : upper.Table![b]);
                i++;
            }
        }
        return text.ToString();
    }

    /// <summary>JIS X 0201 katakana: 0xA1-0xDF are U+FF61-U+FF9F.</summary>
    private static char Katakana(int b) => b is >= 0xA1 and <= 0xDF ? (char)(0xFF61 + b - 0xA1) : '\uFFFD';

    /// <summary>Reads ESC, intermediates 0x20-0x2F and a final byte; designates the set when known, else skips the sequence.</summary>
    private static int ReadEscape(ReadOnlySpan<byte> bytes, int start, StringBuilder text, ref GraphicSet g0, ref GraphicSet? g1)
    {
        int j = start + 1;
        while (j < bytes.Length && bytes[j] is >= 0x20 and <= 0x2F) j++;
        if (j >= bytes.Length || bytes[j] is < 0x30 or > 0x7E)
        {
            text.Append('\uFFFD');
            return j;
        }
        var set = GraphicSet.FromEscape(bytes[start..(j + 1)]);
        if (set is { IsG1: true }) g1 = set;
        else if (set is not null) g0 = set;
        return j + 1;
    }

    /// <summary>Decodes a run of two-byte codes by converting them to the EUC form of the code page.</summary>
    private static void AppendMultiByte(StringBuilder text, GraphicSet set, ReadOnlySpan<byte> run)
    {
        byte[]? rented = null;
        Span<byte> euc = run.Length <= 256 ? stackalloc byte[run.Length] : (rented = ArrayPool<byte>.Shared.Rent(run.Length)).AsSpan(0, run.Length);
        for (int k = 0; k < run.Length; k++)
        {
            euc[k] = set.Kind switch
            {
                SetKind.JisX0208 => (byte)(run[k] | 0x80),
                // Code page 20932 holds JIS X 0212 as a GR lead byte followed by a GL trail byte.
                SetKind.JisX0212 => (k & 1) == 0 ? (byte)(run[k] | 0x80) : run[k],
                _ => run[k],
            };
        }
        var encoding = set.Kind switch
        {
            SetKind.KsX1001 => CodePages.Korean,
            SetKind.Gb2312 => CodePages.Chinese,
            _ => CodePages.EucJp,
        };
        int even = euc.Length & ~1;
        text.Append(encoding.GetString(euc[..even]));
        if (even < euc.Length) text.Append('\uFFFD');
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    private byte[] EncodeIso2022(string text, DicomVR vr, DicomTag? tag)
    {
        var sets = iso2022!;
        bool multiValued = vr.IsMultiValuedString(), pn = vr == DicomVR.PN;
        var output = new List<byte>(text.Length * 2);
        var g0 = sets.InitialG0;
        var g1 = sets.InitialG1;
        Span<byte> code = stackalloc byte[4];
        int index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            int c = rune.Value;
            bool control = c < 0x20 || c == 0x7F;
            if (c == Esc) throw Unencodable(text, index, tag);
            if (control || (c == '\\' && multiValued) || (pn && c is '^' or '='))
            {
                // PS3.5 6.1.2.5.3: the sets of value 1 are active again before these characters.
                RestoreG0(output, ref g0, sets.InitialG0);
                output.Add((byte)c);
                g1 = sets.InitialG1;
            }
            else if (c == ' ')
            {
                if (g0.IsMultiByte) RestoreG0(output, ref g0, sets.InitialG0);
                output.Add((byte)c);
            }
            else
            {
                int n = TryEncode(g0, rune, code);
                if (n == 0 && g1 is not null) n = TryEncode(g1, rune, code);
                if (n == 0)
                {
                    GraphicSet? found = null;
                    foreach (var candidate in sets.Candidates)
                    {
                        n = TryEncode(candidate, rune, code);
                        if (n > 0)
                        {
                            found = candidate;
                            break;
                        }
                    }
                    if (found is null) throw Unencodable(text, index, tag);
                    output.AddRange(found.Escape);
                    if (found.IsG1) g1 = found;
                    else g0 = found;
                }
                for (int k = 0; k < n; k++) output.Add(code[k]);
            }
            index += rune.Utf16SequenceLength;
        }
        RestoreG0(output, ref g0, sets.InitialG0);
        return [.. output];
    }

    private static void RestoreG0(List<byte> output, ref GraphicSet g0, GraphicSet initial)
    {
        if (g0 == initial) return;
        output.AddRange(initial.Escape);
        g0 = initial;
    }

    /// <summary>Writes the code of <paramref name="rune"/> in <paramref name="set"/> (GL bytes for G0, GR for G1); 0 when not in the set.</summary>
    private static int TryEncode(GraphicSet set, Rune rune, Span<byte> code)
    {
        if (!rune.IsBmp) return 0;
        char c = (char)rune.Value;
        switch (set.Kind)
        {
            case SetKind.Ascii or SetKind.JisRoman:
                // JIS X 0201 Roman differs from ASCII only at 0x5C and 0x7E; like other toolkits we read them as ASCII.
                if (c is < '\u0021' or > '\u007E') return 0;
                code[0] = (byte)c;
                return 1;
            case SetKind.JisKatakana:
                if (c is < '\uFF61' or > '\uFF9F') return 0;
                code[0] = (byte)((set.IsG1 ? 0xA1 : 0x21) + c - 0xFF61);
                return 1;
            case SetKind.SingleByte96:
                if (!set.Table!.TryGetByte(c, out byte b) || b < 0xA0) return 0;
                code[0] = b;
                return 1;
        }
        var encoding = set.Kind switch
        {
            SetKind.KsX1001 => CodePages.Korean,
            SetKind.Gb2312 => CodePages.Chinese,
            _ => CodePages.EucJp,
        };
        Span<byte> euc = stackalloc byte[8];
        if (encoding.GetBytes([c], euc) != 2 || euc[0] < 0xA1) return 0;
        switch (set.Kind)
        {
            case SetKind.JisX0208 when euc[1] >= 0xA1:
                code[0] = (byte)(euc[0] & 0x7F);
                code[1] = (byte)(euc[1] & 0x7F);
                return 2;
            case SetKind.JisX0212 when euc[1] is >= 0x21 and <= 0x7E:
                code[0] = (byte)(euc[0] & 0x7F);
                code[1] = euc[1];
                return 2;
            case SetKind.KsX1001 or SetKind.Gb2312 when euc[1] >= 0xA1:
                code[0] = euc[0];
                code[1] = euc[1];
                return 2;
            default:
                return 0;
        }
    }
}
