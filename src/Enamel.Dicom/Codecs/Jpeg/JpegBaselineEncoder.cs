using System.Buffers;
using Enamel.Dicom.Imaging;
using JpegLibrary;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG Baseline (process 1) encoding of 8-bit frames through JpegLibrary: monochrome as one component, colour
/// converted from RGB to full-range YCbCr (T.871) without subsampling, recorded as YBR_FULL (like dcmcjpeg +s4).
/// </summary>
internal static class JpegBaselineEncoder
{
    public const int DefaultQuality = 90;

    public static (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info, int quality = DefaultQuality)
    {
        if (info.BitsAllocated != 8 || info.BitsStored > 8)
            throw new DicomImagingException($"JPEG Baseline: only 8-bit samples can be encoded; this image has {info.BitsStored} of {info.BitsAllocated} bits");
        if (info.IsSigned) throw new DicomImagingException("JPEG Baseline: signed samples cannot be encoded");
        if (info.SamplesPerPixel == 3 && info.PhotometricInterpretation is not ("RGB" or "YBR_FULL"))
            throw new DicomImagingException($"JPEG Baseline: Photometric Interpretation {info.PhotometricInterpretation} cannot be encoded (RGB or YBR_FULL)");
        if (info.SamplesPerPixel == 1 && !info.PhotometricInterpretation.StartsWith("MONOCHROME", StringComparison.Ordinal))
            throw new DicomImagingException($"JPEG Baseline: Photometric Interpretation {info.PhotometricInterpretation} cannot be encoded");
        if (info.SamplesPerPixel is not (1 or 3)) throw new DicomImagingException($"JPEG Baseline: {info.SamplesPerPixel} samples per pixel cannot be encoded");
        if (info.Rows > ushort.MaxValue || info.Columns > ushort.MaxValue) throw new DicomImagingException("JPEG Baseline: the image exceeds 65535 rows or columns");

        var planes = Planes(frame, info);
        var encoder = new JpegEncoder();
        encoder.SetQuantizationTable(JpegStandardQuantizationTable.ScaleByQuality(
            JpegStandardQuantizationTable.GetLuminanceTable(JpegElementPrecision.Precision8Bit, 0), quality));
        encoder.SetHuffmanTable(true, 0);
        encoder.SetHuffmanTable(false, 0);
        encoder.AddComponent(1, 0, 0, 0, 1, 1);
        if (planes.Length == 3)
        {
            encoder.SetQuantizationTable(JpegStandardQuantizationTable.ScaleByQuality(
                JpegStandardQuantizationTable.GetChrominanceTable(JpegElementPrecision.Precision8Bit, 1), quality));
            encoder.SetHuffmanTable(true, 1);
            encoder.SetHuffmanTable(false, 1);
            encoder.AddComponent(2, 1, 1, 1, 1, 1);
            encoder.AddComponent(3, 1, 1, 1, 1, 1);
        }
        encoder.SetInputReader(new PlaneReader(planes, info.Columns, info.Rows));
        var output = new ArrayBufferWriter<byte>(info.Rows * info.Columns + 1024);
        encoder.SetOutput(output);
        encoder.Encode();
        var encodedInfo = info with
        {
            PlanarConfiguration = 0,
            PhotometricInterpretation = planes.Length == 3 ? "YBR_FULL" : info.PhotometricInterpretation,
        };
        return (output.WrittenSpan.ToArray(), encodedInfo);
    }

    /// <summary>Component planes; RGB becomes Y, Cb, Cr (T.871 6, rounded).</summary>
    private static byte[][] Planes(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        int pixels = info.Rows * info.Columns, samples = info.SamplesPerPixel;
        if (frame.Length < pixels * samples) throw new DicomImagingException($"JPEG Baseline: frame holds {frame.Length} bytes, {pixels * samples} expected");
        var planes = new byte[samples][];
        for (int s = 0; s < samples; s++) planes[s] = new byte[pixels];
        bool planar = info.PlanarConfiguration == 1 && samples > 1;
        for (int p = 0; p < pixels; p++)
            for (int s = 0; s < samples; s++)
                planes[s][p] = frame[planar ? s * pixels + p : p * samples + s];
        if (samples == 3 && info.PhotometricInterpretation == "RGB")
            for (int p = 0; p < pixels; p++)
            {
                double r = planes[0][p], g = planes[1][p], b = planes[2][p];
                planes[0][p] = ToByte(0.299 * r + 0.587 * g + 0.114 * b);
                planes[1][p] = ToByte(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
                planes[2][p] = ToByte(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
            }
        return planes;
    }

    private static byte ToByte(double v) => (byte)Math.Clamp((int)Math.Round(v, MidpointRounding.AwayFromZero), 0, 255);

    /// <summary>Hands JpegLibrary 8x8 blocks, repeating the last column and row past the image edge.</summary>
    private sealed class PlaneReader(byte[][] planes, int width, int height) : JpegBlockInputReader
    {
        public override int Width => width;
        public override int Height => height;

        public override void ReadBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            var plane = planes[componentIndex];
            for (int r = 0; r < 8; r++)
            {
                int row = Math.Min(y + r, height - 1) * width;
                for (int c = 0; c < 8; c++)
                    System.Runtime.CompilerServices.Unsafe.Add(ref blockRef, r * 8 + c) = plane[row + Math.Min(x + c, width - 1)];
            }
        }
    }
}
