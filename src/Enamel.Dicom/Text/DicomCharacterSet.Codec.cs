using System.Text;

namespace Enamel.Dicom;

public sealed partial class DicomCharacterSet
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>Decodes a value in this character set; invalid bytes raise <see cref="DicomTextException"/>.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr, DicomTag tag)
    {
        var encoding = SingleEncoding(Terms[0]);
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DicomTextException($"bytes invalid in character set {this} at index {ex.Index}", tag, ex);
        }
    }

    /// <summary>Encodes text for this character set.</summary>
    public byte[] Encode(string text, DicomVR vr) => SingleEncoding(Terms[0]).GetBytes(text);

    private static Encoding SingleEncoding(string term) => term switch
    {
        "" or "ISO_IR 6" => Encoding.Latin1,
        "ISO_IR 192" => StrictUtf8,
        "ISO_IR 100" => Encoding.Latin1,
        "ISO_IR 101" => Encoding.GetEncoding("iso-8859-2"),
        "ISO_IR 109" => Encoding.GetEncoding("iso-8859-3"),
        "ISO_IR 110" => Encoding.GetEncoding("iso-8859-4"),
        "ISO_IR 144" => Encoding.GetEncoding("iso-8859-5"),
        "ISO_IR 127" => Encoding.GetEncoding("iso-8859-6"),
        "ISO_IR 126" => Encoding.GetEncoding("iso-8859-7"),
        "ISO_IR 138" => Encoding.GetEncoding("iso-8859-8"),
        "ISO_IR 148" => Encoding.GetEncoding("iso-8859-9"),
        "ISO_IR 203" => Encoding.GetEncoding("iso-8859-15"),
        "ISO_IR 166" => Encoding.GetEncoding(874),
        "GB18030" => Encoding.GetEncoding("GB18030"),
        "GBK" => Encoding.GetEncoding(936),
        _ => Encoding.Latin1,
    };
}
