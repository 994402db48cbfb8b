using Enamel.Dicom.Imaging;
using JpegLibrary;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>
/// JPEG for Baseline (1.2.840.10008.1.2.4.50), Extended (.51), Lossless (.57) and Lossless SV1 (.70).
/// DCT processes are decoded by JpegLibrary; the lossless process is decoded and encoded by our own
/// <see cref="JpegLosslessDecoder"/> and <see cref="JpegLosslessEncoder"/>; Baseline encoding goes through JpegLibrary
/// (<see cref="JpegBaselineEncoder"/>). Like dcmtk,
/// lossy colour images labelled YBR_FULL or YBR_FULL_422 decode to RGB (unless an APP14 Adobe segment says the
/// components are not transformed); lossless images keep their Photometric Interpretation.
/// </summary>
public sealed class JpegCodec(DicomTransferSyntax syntax) : IFrameCodec
{
    public IReadOnlyList<string> TransferSyntaxUids { get; } = [syntax.Uid];

    /// <summary>The lossless syntaxes encode (process 14, selection value 1), Baseline encodes 8-bit images; Extended only decodes.</summary>
    public bool CanEncode => !syntax.IsLossy || syntax == DicomTransferSyntax.JpegBaseline;

    public PixelDataInfo DecodedInfo(PixelDataInfo encoded)
    {
        var decoded = encoded with { PlanarConfiguration = 0 };
        return syntax.IsLossy && IsYbrFull(encoded) ? decoded with { PhotometricInterpretation = "RGB" } : decoded;
    }

    private static bool IsYbrFull(PixelDataInfo info) =>
        info.SamplesPerPixel == 3 && info.PhotometricInterpretation is "YBR_FULL" or "YBR_FULL_422";

    public void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination)
    {
        info.Validate();
        var decodedInfo = DecodedInfo(info);
        if (destination.Length != decodedInfo.FrameLength)
            throw new DicomImagingException($"JPEG: destination holds {destination.Length} bytes, the frame needs {decodedInfo.FrameLength}");
        if (info.BitsAllocated is not (8 or 16))
            throw new DicomImagingException($"JPEG: Bits Allocated {info.BitsAllocated} is not supported (8 or 16)");
        var stream = JpegStreamInfo.Read(encoded);
        var (planes, precision, width, height) = stream.IsLossless ? DecodeLossless(encoded, info) : DecodeDct(encoded.ToArray());
        if (width != info.Columns || height != info.Rows || planes.Length != info.SamplesPerPixel)
            throw new DicomImagingException($"JPEG: the stream holds {width}x{height} with {planes.Length} component(s); the dataset says {info.Columns}x{info.Rows} with {info.SamplesPerPixel}");
        if (precision > info.BitsAllocated)
            throw new DicomImagingException($"JPEG: precision {precision} does not fit Bits Allocated {info.BitsAllocated}");

        bool toRgb = !stream.IsLossless && planes.Length == 3
            && (IsYbrFull(info) ? stream.AdobeTransform != 0 : stream.AdobeTransform == 1);
        if (toRgb) YbrToRgb(planes, precision);
        Write(planes, info, destination);
    }

    public (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        if (!CanEncode) throw new DicomImagingException($"encoding to {syntax.Name} is not supported; it can only be decoded");
        info.Validate();
        if (syntax.IsLossy) return JpegBaselineEncoder.Encode(frame, info);
        return (JpegLosslessEncoder.Encode(frame, info), info with { PlanarConfiguration = 0 });
    }

    private static (int[][] Planes, int Precision, int Width, int Height) DecodeLossless(ReadOnlySpan<byte> encoded, PixelDataInfo info)
    {
        var d = JpegLosslessDecoder.Decode(encoded, info.Rows);
        return (d.Samples, d.Precision, d.Width, d.Height);
    }

    private static (int[][] Planes, int Precision, int Width, int Height) DecodeDct(byte[] encoded)
    {
        try
        {
            var decoder = new JpegDecoder();
            decoder.SetInput(encoded);
            decoder.Identify();
            int width = decoder.Width, height = decoder.Height, components = decoder.NumberOfComponents, precision = decoder.Precision;
            if (width <= 0 || height <= 0 || components is < 1 or > 4)
                throw new DicomImagingException($"JPEG: frame {width}x{height} with {components} components is not decodable");
            var writer = new PlaneWriter(width, height, components, (1 << precision) - 1);
            decoder.SetOutputWriter(writer);
            decoder.Decode();
            return (writer.Planes, precision, width, height);
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IndexOutOfRangeException or ArgumentException
            or InvalidOperationException or DivideByZeroException or OverflowException)
        {
            throw new DicomImagingException($"JPEG: the stream cannot be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>YCbCr to RGB for full-range (JFIF) components, in 16-bit fixed point with rounding as T.871 7 gives it.</summary>
    private static void YbrToRgb(int[][] planes, int precision)
    {
        int max = (1 << precision) - 1, half = 1 << (precision - 1);
        const int Shift = 16, Round = 1 << (Shift - 1);
        const int CrToR = 91881, CbToG = 22554, CrToG = 46802, CbToB = 116130;   // 1.402, 0.344136, 0.714136, 1.772 scaled by 2^16
        var (y, cb, cr) = (planes[0], planes[1], planes[2]);
        for (int i = 0; i < y.Length; i++)
        {
            int l = y[i], b = cb[i] - half, r = cr[i] - half;
            y[i] = Math.Clamp(l + ((CrToR * r + Round) >> Shift), 0, max);
            cb[i] = Math.Clamp(l + ((-CbToG * b - CrToG * r + Round) >> Shift), 0, max);
            cr[i] = Math.Clamp(l + ((CbToB * b + Round) >> Shift), 0, max);
        }
    }

    /// <summary>Interleaves the planes into little-endian native samples; signed samples are sign-extended from Bits Stored.</summary>
    private static void Write(int[][] planes, PixelDataInfo info, Span<byte> destination)
    {
        int samples = planes.Length, pixels = planes[0].Length;
        int signBit = info.IsSigned && info.BitsStored < info.BitsAllocated ? 1 << (info.BitsStored - 1) : 0;
        int storedMask = info.BitsStored >= 32 ? -1 : (1 << info.BitsStored) - 1;
        for (int p = 0; p < pixels; p++)
            for (int s = 0; s < samples; s++)
            {
                int v = planes[s][p];
                if (signBit != 0) v = (v & storedMask) - ((v & signBit) << 1);
                int at = p * samples + s;
                if (info.BitsAllocated == 8) destination[at] = (byte)v;
                else
                {
                    destination[2 * at] = (byte)v;
                    destination[2 * at + 1] = (byte)(v >> 8);
                }
            }
    }

    /// <summary>Collects JpegLibrary's 8x8 output blocks (already level-shifted and upsampled to full size) into planes.</summary>
    private sealed class PlaneWriter(int width, int height, int components, int max) : JpegBlockOutputWriter
    {
        public int[][] Planes { get; } = Enumerable.Range(0, components).Select(_ => new int[width * height]).ToArray();

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            if (componentIndex >= components || x >= width || y >= height) return;
            var plane = Planes[componentIndex];
            int rows = Math.Min(8, height - y), cols = Math.Min(8, width - x);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    plane[(y + r) * width + x + c] = Math.Clamp((int)System.Runtime.CompilerServices.Unsafe.Add(ref blockRef, r * 8 + c), 0, max);
        }
    }
}
