using System.Text;
using System.Text.RegularExpressions;

namespace Enamel.Dicom;

/// <summary>
/// A Specific Character Set (0008,0005) value (PS3.3 C.12.1.1.2, PS3.5 6.1): decodes and encodes the text VRs
/// that use it (SH, LO, ST, LT, PN, UC, UT). Other string VRs use the default repertoire.
/// </summary>
/// <remarks>
/// Single-valued terms without code extensions use one table (ISO 8859 parts, TIS 620, UTF-8, GB18030, GBK).
/// Terms with code extensions ("ISO 2022 IR n", or several values) run the ISO/IEC 2022 state machine of
/// PS3.5 6.1.2.5: escape sequences designate G0/G1, and the sets of value 1 are active again at every
/// control character, value delimiter, and (for PN) component delimiter. Unknown terms decode as Latin-1.
/// </remarks>
public sealed partial class DicomCharacterSet
{
    static DicomCharacterSet() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static readonly DicomCharacterSet Default = new([""]);
    public static readonly DicomCharacterSet Utf8 = new(["ISO_IR 192"]);

    private readonly Mode mode;
    private readonly SingleByteTable? table;
    private readonly Iso2022Sets? iso2022;

    private DicomCharacterSet(string[] terms)
    {
        Terms = terms;
        var normalized = terms.Select(Normalize).ToArray();
        var first = normalized[0];
        if (first is "ISO_IR 192" or "GB18030" or "GBK" || (normalized.Length == 1 && !first.StartsWith("ISO 2022 ", StringComparison.Ordinal)))
        {
            // Stand-alone sets ignore any further values (PS3.3 C.12.1.1.2: they do not allow code extensions).
            (mode, table) = first switch
            {
                "" or "ISO_IR 6" => (Mode.Default, null),
                "ISO_IR 192" => (Mode.Utf8, null),
                "GB18030" => (Mode.Gb18030, null),
                "GBK" => (Mode.Gbk, null),
                "ISO_IR 13" => (Mode.Iso2022, null),
                _ when GraphicSet.SingleByteFor(first) is { } t => (Mode.SingleByte, t),
                _ => (Mode.Unknown, null),
            };
            if (mode == Mode.Iso2022) iso2022 = new Iso2022Sets(normalized);
            return;
        }
        mode = Mode.Iso2022;
        iso2022 = new Iso2022Sets(normalized);
    }

    /// <summary>The defined terms as declared, in order (value 1 may be empty, meaning the default repertoire).</summary>
    public string[] Terms { get; }

    /// <summary>True when every term is one this toolkit knows (PS3.3 Tables C.12-2 to C.12-5).</summary>
    public bool IsKnown => mode != Mode.Unknown && (iso2022?.AllKnown ?? true);

    public static DicomCharacterSet FromTerms(string value)
    {
        var terms = value.TrimEnd('\0', ' ').Split('\\').Select(t => t.Trim()).ToArray();
        if (terms.Length == 1 && terms[0].Length == 0) return Default;
        if (terms.Length == 1 && terms[0] == "ISO_IR 192") return Utf8;
        return new DicomCharacterSet(terms);
    }

    public override string ToString() => string.Join('\\', Terms);

    /// <summary>Decodes the default repertoire (ASCII); bytes above 0x7F are decoded as Latin-1 rather than lost.</summary>
    public static string DecodeDefault(ReadOnlySpan<byte> bytes, DicomTag tag) => Encoding.Latin1.GetString(bytes);

    private enum Mode { Default, Unknown, SingleByte, Utf8, Gb18030, Gbk, Iso2022 }

    /// <summary>
    /// Maps common misspellings ("ISO-IR 100", "ISO_IR_100", "iso 2022 ir 87", "UTF-8") to the defined term;
    /// anything else is returned upper-cased and is treated as unknown.
    /// </summary>
    private static string Normalize(string term)
    {
        var t = term.Trim().ToUpperInvariant();
        if (t.Length == 0) return "";
        if (t is "UTF-8" or "UTF8") return "ISO_IR 192";
        var m = TermPattern().Match(t);
        if (!m.Success) return t;
        return m.Groups[1].Success ? $"ISO 2022 IR {m.Groups[2].Value}" : $"ISO_IR {m.Groups[2].Value}";
    }

    [GeneratedRegex(@"^ISO[ _-]?(2022[ _-]?)?IR[ _-]?(\d{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex TermPattern();
}
