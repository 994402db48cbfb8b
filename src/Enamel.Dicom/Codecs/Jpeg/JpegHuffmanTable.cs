using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>A Huffman decoding table built from a DHT segment's code counts and symbols (T.81 C and F.2.2.3).</summary>
internal sealed class JpegHuffmanTable
{
    private readonly int[] maxCode = new int[18];   // largest code of each length, -1 when none
    private readonly int[] valueOffset = new int[17];
    private readonly byte[] values;

    private JpegHuffmanTable(byte[] values) => this.values = values;

    public static JpegHuffmanTable Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        var t = new JpegHuffmanTable(symbols.ToArray());
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];
            t.valueOffset[length] = k - code;
            code += n;
            k += n;
            t.maxCode[length] = n == 0 ? -1 : code - 1;
            if (code > 1 << length) throw new DicomImagingException($"JPEG: Huffman table has too many codes of length {length}");
            code <<= 1;
        }
        t.maxCode[17] = int.MaxValue;
        return t;
    }

    /// <summary>Decodes one symbol, reading bits most significant first (F.2.2.3 DECODE).</summary>
    public int Decode(ref JpegBitReader reader)
    {
        int code = 0;
        for (int length = 1; length <= 16; length++)
        {
            code = code << 1 | reader.ReadBit();
            if (code <= maxCode[length]) return values[valueOffset[length] + code];
        }
        throw new DicomImagingException($"JPEG: invalid Huffman code at byte {reader.Position}");
    }
}
