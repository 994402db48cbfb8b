using System.Text;

namespace Enamel.Dicom;

public sealed partial class DicomCharacterSet
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>Lenient decoders (invalid bytes become U+FFFD) and strict encoders for the multi-byte code pages.</summary>
    private static class CodePages
    {
        public static readonly Encoding Gb18030 = Strict("GB18030");
        public static readonly Encoding Gbk = Strict(936);
        /// <summary>EUC-JP (JIS X 0208 as two GR bytes; JIS X 0212 as a GR byte then a GL byte).</summary>
        public static readonly Encoding EucJp = Lenient(20932);
        /// <summary>Unified Hangul Code: KS X 1001 is its GR x GR area, i.e. EUC-KR.</summary>
        public static readonly Encoding Korean = Lenient(949);
        /// <summary>GBK: GB 2312 is its GR x GR area, i.e. EUC-CN.</summary>
        public static readonly Encoding Chinese = Lenient(936);

        // An empty replacement makes an unencodable character produce no bytes (and disables best-fit mappings).
        private static Encoding Lenient(int codePage) =>
            Encoding.GetEncoding(codePage, new EncoderReplacementFallback(""), new DecoderReplacementFallback("\uFFFD"));

        private static Encoding Strict(object name) => name is int cp
            ? Encoding.GetEncoding(cp, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"))
            : Encoding.GetEncoding((string)name, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"));
    }

    /// <summary>
    /// Decodes a value in this character set. Invalid UTF-8 under ISO_IR 192 raises <see cref="DicomTextException"/>;
    /// bytes undefined in other sets decode as U+FFFD.
    /// </summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr, DicomTag tag)
    {
        switch (mode)
        {
            case Mode.Utf8:
                try
                {
                    return StrictUtf8.GetString(bytes);
                }
                catch (DecoderFallbackException ex)
                {
                    throw new DicomTextException($"bytes invalid in character set {this} at index {ex.Index}", tag, ex);
                }
            case Mode.SingleByte:
            {
                var chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
                for (int i = 0; i < bytes.Length; i++) chars[i] = table![bytes[i]];
                return new string(chars);
            }
            case Mode.Gb18030:
                return CodePages.Gb18030.GetString(bytes);
            case Mode.Gbk:
                return CodePages.Gbk.GetString(bytes);
            case Mode.Iso2022:
                return DecodeIso2022(bytes, vr);
            default:
                return Encoding.Latin1.GetString(bytes);
        }
    }

    /// <summary>Encodes text for this character set; throws <see cref="ArgumentException"/> for a character it cannot represent.</summary>
    public byte[] Encode(string text, DicomVR vr) => Encode(text, vr, null);

    /// <summary>Encodes the value of <paramref name="tag"/>; throws <see cref="DicomTextException"/> for a character the set cannot represent.</summary>
    public byte[] Encode(string text, DicomVR vr, DicomTag tag) => Encode(text, vr, (DicomTag?)tag);

    private byte[] Encode(string text, DicomVR vr, DicomTag? tag)
    {
        switch (mode)
        {
            case Mode.Utf8:
                return EncodeWith(StrictUtf8, text, tag);
            case Mode.Gb18030:
                return EncodeWith(CodePages.Gb18030, text, tag);
            case Mode.Gbk:
                return EncodeWith(CodePages.Gbk, text, tag);
            case Mode.Iso2022:
                return EncodeIso2022(text, vr, tag);
            case Mode.SingleByte:
            {
                var result = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    char c = text[i];
                    if (c < 0xA0) result[i] = (byte)c;
                    else if (!table!.TryGetByte(c, out result[i])) throw Unencodable(text, i, tag);
                }
                return result;
            }
            default:
            {
                // The default repertoire is ASCII (PS3.5 6.1.2.1).
                var result = new byte[text.Length];
                for (int i = 0; i < text.Length; i++)
                {
                    if (text[i] > 0x7F) throw Unencodable(text, i, tag);
                    result[i] = (byte)text[i];
                }
                return result;
            }
        }
    }

    private byte[] EncodeWith(Encoding encoding, string text, DicomTag? tag)
    {
        try
        {
            return encoding.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw Unencodable(text, ex.Index, tag);
        }
    }

    /// <summary>Names the code point and its index, never the text itself (it may be a patient's name).</summary>
    private Exception Unencodable(string text, int index, DicomTag? tag)
    {
        int codePoint = index < text.Length && char.IsSurrogatePair(text, index) ? char.ConvertToUtf32(text, index)
            : index < text.Length ? text[index] : 0;
        var message = $"character U+{codePoint:X4} at index {index} cannot be encoded in Specific Character Set '{this}'" +
            (mode == Mode.Utf8 ? "" : "; write new data as ISO_IR 192 (UTF-8)");
        return tag is { } t ? new DicomTextException(message, t) : new ArgumentException(message, nameof(text));
    }
}
