using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>Reads entropy-coded bits (T.81 F.2.2.5): removes stuffed zero bytes after FF and stops at markers.</summary>
internal ref struct JpegBitReader(ReadOnlySpan<byte> data, int position)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position = position;
    private int buffer;
    private int count;
    private int paddingBits;

    public readonly int Position => position;

    public int ReadBit()
    {
        if (count == 0) Fill();
        count--;
        return buffer >> count & 1;
    }

    private void Fill()
    {
        if (position < data.Length && data[position] != 0xFF)
        {
            buffer = data[position++];
        }
        else if (position + 1 < data.Length && data[position] == 0xFF && data[position + 1] == 0x00)
        {
            buffer = 0xFF;
            position += 2;
        }
        else
        {
            // At a marker or the end: decoders feed zeros (F.2.2.5); bounded so corrupt data cannot spin.
            paddingBits += 8;
            if (paddingBits > 64) throw new DicomImagingException($"JPEG: entropy-coded data ends early at byte {position}");
            buffer = 0;
        }
        count = 8;
    }

    /// <summary>A lossless difference (H.1.2.2): category SSSS then SSSS extra bits; 16 means 32768 with no extra bits.</summary>
    public int DecodeDifference(JpegHuffmanTable table)
    {
        int ssss = table.Decode(ref this);
        if (ssss == 0) return 0;
        if (ssss == 16) return 32768;
        if (ssss > 16) throw new DicomImagingException($"JPEG: difference category {ssss} at byte {position} is above 16");
        int v = 0;
        for (int i = 0; i < ssss; i++) v = v << 1 | ReadBit();
        return v < 1 << (ssss - 1) ? v - (1 << ssss) + 1 : v;
    }

    /// <summary>Discards remaining bits and consumes the expected RSTn marker.</summary>
    public void ReadRestart(int expected)
    {
        count = 0;
        paddingBits = 0;
        while (position + 1 < data.Length && data[position] == 0xFF && data[position + 1] == 0xFF) position++;
        if (position + 1 >= data.Length || data[position] != 0xFF || data[position + 1] != 0xD0 + expected)
            throw new DicomImagingException($"JPEG: expected RST{expected} at byte {position}");
        position += 2;
    }

    /// <summary>The position of the first marker after the scan's entropy-coded data.</summary>
    public readonly int EndPosition()
    {
        int p = position;
        while (p + 1 < data.Length && !(data[p] == 0xFF && data[p + 1] != 0x00 && data[p + 1] is not (>= 0xD0 and <= 0xD7))) p++;
        return p;
    }
}
