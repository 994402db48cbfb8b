using System.Text;

namespace Enamel.Dicom;

/// <summary>
/// A Specific Character Set (0008,0005) value (PS3.3 C.12.1.1.2, PS3.5 6.1): decodes and encodes the text VRs
/// that use it (SH, LO, ST, LT, PN, UC, UT). Other string VRs use the default repertoire.
/// </summary>
public sealed partial class DicomCharacterSet
{
    static DicomCharacterSet() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static readonly DicomCharacterSet Default = new([""]);
    public static readonly DicomCharacterSet Utf8 = new(["ISO_IR 192"]);

    private DicomCharacterSet(string[] terms) => Terms = terms;

    /// <summary>The defined terms, in order (value 1 may be empty, meaning the default repertoire).</summary>
    public string[] Terms { get; }

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
}
