using System.Runtime.InteropServices;
using SkiaSharp;

namespace Enamel.Dicom.Imaging;

/// <summary>
/// A rendered frame: <see cref="Channels"/> samples per pixel (1 grey, 3 RGB), 8 or 16 bits each, rows top to
/// bottom, samples interleaved. 16-bit samples are stored little endian in <see cref="Pixels"/>.
/// </summary>
public sealed class RenderedImage
{
    public RenderedImage(int width, int height, int channels, int bits)
    {
        if (channels is not (1 or 3)) throw new DicomImagingException($"{channels} channels is not 1 or 3");
        if (bits is not (8 or 16)) throw new DicomImagingException($"{bits} bits is not 8 or 16");
        Width = width;
        Height = height;
        Channels = channels;
        Bits = bits;
        long length = (long)width * height * channels * (bits / 8);
        if (width <= 0 || height <= 0 || length > Array.MaxLength)
            throw new DicomImagingException($"a {width}x{height} image of {channels} x {bits}-bit samples cannot be held in memory");
        Pixels = new byte[length];
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int Bits { get; }
    public byte[] Pixels { get; }

    /// <summary>Sample <paramref name="channel"/> of the pixel at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public int GetSample(int x, int y, int channel = 0)
    {
        int i = (y * Width + x) * Channels + channel;
        return Bits == 8 ? Pixels[i] : Pixels[2 * i] | Pixels[2 * i + 1] << 8;
    }

    internal void SetSample(int index, ushort value)
    {
        if (Bits == 8) Pixels[index] = (byte)value;
        else
        {
            Pixels[2 * index] = (byte)value;
            Pixels[2 * index + 1] = (byte)(value >> 8);
        }
    }

    /// <summary>
    /// Writes the image. PNG: 8-bit through SkiaSharp, 16-bit by <see cref="PngWriter"/>; JPEG: 8-bit only, through
    /// libjpeg-turbo when installed (<see cref="TurboJpeg"/>), else SkiaSharp; TIFF: 8 or 16 bits.
    /// </summary>
    public void Save(Stream destination, ImageFormat format, int jpegQuality = 90)
    {
        switch (format)
        {
            case ImageFormat.Tiff:
                TiffWriter.Write(this, destination);
                return;
            case ImageFormat.Png when Bits == 16:
                PngWriter.Write(this, destination);
                return;
            case ImageFormat.Jpeg when Bits == 16:
                throw new DicomImagingException("JPEG output is 8-bit only: render with 8 bits, or write PNG or TIFF for 16 bits");
            case ImageFormat.Jpeg when TurboJpeg.Instance is { } turbo:
                turbo.Encode(Pixels, Width, Height, Channels, jpegQuality, destination);
                return;
        }
        using var bitmap = ToBitmap();
        using var pixmap = bitmap.PeekPixels();
        bool ok = format == ImageFormat.Jpeg
            ? pixmap.Encode(destination, SKEncodedImageFormat.Jpeg, Math.Clamp(jpegQuality, 1, 100))
            : pixmap.Encode(destination, new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6));
        if (!ok) throw new DicomImagingException($"SkiaSharp could not encode a {Width}x{Height} {format} image");
    }

    /// <summary>A resampled copy (SkiaSharp: mipmapped linear filtering when shrinking, Mitchell cubic when enlarging).</summary>
    public RenderedImage Resize(int width, int height)
    {
        using var source = ToBitmap();
        var info = new SKImageInfo(width, height, source.ColorType, SKAlphaType.Opaque);
        using var target = new SKBitmap(info);
        var sampling = width < Width || height < Height
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);
        using (var src = source.PeekPixels())
        using (var dst = target.PeekPixels())
        {
            if (!src.ScalePixels(dst, sampling)) throw new DicomImagingException($"SkiaSharp could not scale {Width}x{Height} to {width}x{height}");
        }
        return FromBitmap(target, Channels, Bits);
    }

    /// <summary>Skia layouts: Gray8, R16Unorm, RGBA8888, RGBA16161616 (alpha opaque).</summary>
    private SKBitmap ToBitmap()
    {
        var type = (Channels, Bits) switch
        {
            (1, 8) => SKColorType.Gray8,
            (1, 16) => SKColorType.R16Unorm,
            (3, 8) => SKColorType.Rgba8888,
            _ => SKColorType.Rgba16161616,
        };
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, type, SKAlphaType.Opaque));
        var span = bitmap.GetPixelSpan();
        var dest = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);
        int bytes = Bits / 8, rowBytes = bitmap.RowBytes;
        for (int y = 0; y < Height; y++)
        {
            var row = dest.Slice(y * rowBytes, rowBytes);
            var src = Pixels.AsSpan(y * Width * Channels * bytes, Width * Channels * bytes);
            if (Channels == 1) { src.CopyTo(row); continue; }
            for (int x = 0; x < Width; x++)
            {
                src.Slice(x * 3 * bytes, 3 * bytes).CopyTo(row.Slice(x * 4 * bytes));
                row.Slice(x * 4 * bytes + 3 * bytes, bytes).Fill(0xFF);
            }
        }
        return bitmap;
    }

    private static RenderedImage FromBitmap(SKBitmap bitmap, int channels, int bits)
    {
        var image = new RenderedImage(bitmap.Width, bitmap.Height, channels, bits);
        var span = bitmap.GetPixelSpan();
        int bytes = bits / 8, rowBytes = bitmap.RowBytes, w = bitmap.Width;
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = span.Slice(y * rowBytes, rowBytes);
            var dst = image.Pixels.AsSpan(y * w * channels * bytes, w * channels * bytes);
            if (channels == 1) { row[..dst.Length].CopyTo(dst); continue; }
            for (int x = 0; x < w; x++) row.Slice(x * 4 * bytes, 3 * bytes).CopyTo(dst.Slice(x * 3 * bytes));
        }
        return image;
    }
}
