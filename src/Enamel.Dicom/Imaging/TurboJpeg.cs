using System.Runtime.InteropServices;

namespace Enamel.Dicom.Imaging;

/// <summary>
/// 8-bit JPEG encoding through libjpeg-turbo's TurboJPEG C API (Debian <c>libturbojpeg0</c>), bound by symbol: its SIMD
/// Huffman coder is about twice as fast as SkiaSharp's on the noisy pixels of X-rays. When the library is not installed,
/// <see cref="Instance"/> is null and <see cref="RenderedImage.Save"/> encodes with SkiaSharp instead.
/// </summary>
internal sealed unsafe class TurboJpeg
{
    public const string FileName = "libturbojpeg.so.0";
    public const string Package = "libturbojpeg0";

    // turbojpeg.h: TJPF_RGB, TJPF_GRAY; TJSAMP_444, TJSAMP_GRAY.
    private const int PixelFormatRgb = 0, PixelFormatGray = 6;
    private const int Subsampling444 = 0, SubsamplingGray = 3;

    private readonly delegate* unmanaged[Cdecl]<IntPtr> initCompress;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int, int, byte**, nuint*, int, int, int, int> compress2;
    private readonly delegate* unmanaged[Cdecl]<byte*, void> free;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> destroy;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte*> errorText;

    private TurboJpeg(IntPtr lib)
    {
        IntPtr Export(string symbol) => NativeLibrary.TryGetExport(lib, symbol, out var address) ? address
            : throw new DicomImagingException($"{FileName} does not export {symbol}: install a current {Package}");
        initCompress = (delegate* unmanaged[Cdecl]<IntPtr>)Export("tjInitCompress");
        compress2 = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int, int, byte**, nuint*, int, int, int, int>)Export("tjCompress2");
        free = (delegate* unmanaged[Cdecl]<byte*, void>)Export("tjFree");
        destroy = (delegate* unmanaged[Cdecl]<IntPtr, int>)Export("tjDestroy");
        errorText = (delegate* unmanaged[Cdecl]<IntPtr, byte*>)Export("tjGetErrorStr2");
    }

    private static readonly Lazy<TurboJpeg?> Loaded = new(() => NativeLibrary.TryLoad(FileName, out var lib) ? new TurboJpeg(lib) : null);

    /// <summary>The bound library, or null when <see cref="Package"/> is not installed.</summary>
    public static TurboJpeg? Instance => Loaded.Value;

    /// <summary>Encodes 8-bit grey (1 channel) or RGB (3 channels, 4:4:4, no chroma loss) pixels, rows packed.</summary>
    public void Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality, Stream destination)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels));
        if (pixels.Length < (long)width * height * channels) throw new ArgumentException("fewer pixels than width × height × channels", nameof(pixels));
        var handle = initCompress();
        if (handle == IntPtr.Zero) throw new DicomImagingException("tjInitCompress failed");
        byte* jpeg = null;
        try
        {
            nuint size = 0;
            int result;
            fixed (byte* source = pixels)
                result = compress2(handle, source, width, width * channels, height, channels == 1 ? PixelFormatGray : PixelFormatRgb,
                    &jpeg, &size, channels == 1 ? SubsamplingGray : Subsampling444, Math.Clamp(quality, 1, 100), 0);
            if (result != 0) throw new DicomImagingException($"TurboJPEG could not encode a {width}x{height} image: {Marshal.PtrToStringUTF8((IntPtr)errorText(handle))}");
            destination.Write(new ReadOnlySpan<byte>(jpeg, checked((int)size)));
        }
        finally
        {
            if (jpeg is not null) free(jpeg);
            destroy(handle);
        }
    }
}
