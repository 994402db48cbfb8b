using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>
/// Encoder for the lossless process 14 with selection value 1 (T.81 Annex H; DICOM JPEG Lossless SV1), all components
/// interleaved in one scan, one optimal Huffman table. Samples are coded with precision Bits Stored, without colour transform.
/// </summary>
internal static class JpegLosslessEncoder
{
    public static byte[] Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        if (info.BitsAllocated is not (8 or 16))
            throw new DicomImagingException($"JPEG lossless: Bits Allocated {info.BitsAllocated} cannot be encoded (8 or 16)");
        int width = info.Columns, height = info.Rows, components = info.SamplesPerPixel;
        int precision = Math.Max(2, info.BitsStored);
        if (frame.Length < info.FrameLength) throw new DicomImagingException($"JPEG lossless: frame holds {frame.Length} bytes, {info.FrameLength} expected");

        // Differences first (H.1.2.1: first line predicts from Ra, line starts from Rb, else Ra with selection value 1).
        int pixels = width * height, mask = (1 << precision) - 1;
        var differences = new int[pixels * components];
        var counts = new long[256];
        for (int c = 0; c < components; c++)
        {
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int p = y * width + x;
                    int value = Sample(frame, info, p, c) & mask;
                    int prediction = y == 0 ? (x == 0 ? 1 << (precision - 1) : Sample(frame, info, p - 1, c) & mask)
                        : x == 0 ? Sample(frame, info, p - width, c) & mask
                        : Sample(frame, info, p - 1, c) & mask;
                    int diff = (value - prediction) & 0xFFFF;
                    if (diff >= 32768) diff -= 65536;       // -32768 stays as the special category 16
                    differences[p * components + c] = diff;
                    counts[Category(diff)]++;
                }
        }
        var huffman = JpegHuffmanEncoding.Build(counts);

        var output = new MemoryStream(frame.Length / 2 + 1024);
        output.Write([0xFF, 0xD8]);
        WriteSegment(output, 0xC3, [(byte)precision, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)components,
            .. Enumerable.Range(0, components).SelectMany(c => new byte[] { (byte)(c + 1), 0x11, 0 })]);
        WriteSegment(output, 0xC4, [0x00, .. huffman.Bits, .. huffman.Values]);
        WriteSegment(output, 0xDA, [(byte)components, .. Enumerable.Range(0, components).SelectMany(c => new byte[] { (byte)(c + 1), 0x00 }), 1, 0, 0]);

        var bits = new BitWriter(output);
        foreach (int diff in differences)
        {
            int category = Category(diff);
            bits.Write(huffman.Codes[category], huffman.Lengths[category]);
            if (category is > 0 and < 16) bits.Write((diff < 0 ? diff - 1 : diff) & ((1 << category) - 1), category);
        }
        bits.Flush();
        output.Write([0xFF, 0xD9]);
        return output.ToArray();
    }

    private static int Sample(ReadOnlySpan<byte> frame, PixelDataInfo info, int pixel, int component)
    {
        int index = info.PlanarConfiguration == 1 && info.SamplesPerPixel > 1
            ? component * info.Rows * info.Columns + pixel
            : pixel * info.SamplesPerPixel + component;
        return info.BitsAllocated == 8 ? frame[index] : frame[2 * index] | frame[2 * index + 1] << 8;
    }

    private static int Category(int diff) => diff == -32768 ? 16 : diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));

    private static void WriteSegment(MemoryStream output, byte marker, byte[] content)
    {
        int length = content.Length + 2;
        output.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        output.Write(content);
    }

    /// <summary>Packs bits most significant first, stuffing a zero byte after each FF (F.1.2.3); pads the last byte with ones.</summary>
    private sealed class BitWriter(MemoryStream output)
    {
        private int buffer, count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                buffer = buffer << 1 | (value >> i & 1);
                if (++count == 8) Emit();
            }
        }

        public void Flush()
        {
            while (count != 0) { buffer = buffer << 1 | 1; if (++count == 8) Emit(); }
        }

        private void Emit()
        {
            output.WriteByte((byte)buffer);
            if ((byte)buffer == 0xFF) output.WriteByte(0);
            buffer = 0;
            count = 0;
        }
    }
}
