using System.Runtime.InteropServices;

namespace Enamel.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The OpenJPEG 2.5 C API (openjpeg-2.5/openjpeg.h, libopenjp2.so.7) bound by symbol. Struct offsets are those of the
/// 2.5 header on LP64 Linux; the parameter blocks are opaque buffers written at the offsets below.
/// </summary>
internal sealed unsafe class OpenJpeg
{
    public const string DefaultFileName = "libopenjp2.so.7";
    public const string Package = "libopenjp2-7";

    // OPJ_CODEC_FORMAT
    public const int CodecJ2k = 0, CodecJp2 = 2;
    // OPJ_COLOR_SPACE
    public const int ColorSpaceUnspecified = 0, ColorSpaceSrgb = 1, ColorSpaceGray = 2, ColorSpaceSycc = 3;

    /// <summary>sizeof(opj_dparameters_t) is 8252 and sizeof(opj_cparameters_t) 18720; we allocate with headroom.</summary>
    public const int DecoderParametersSize = 8252 + 1024, EncoderParametersSize = 18720 + 1024;

    // opj_cparameters_t field offsets.
    public const int CpDistoAllocOffset = 20, TcpNumLayersOffset = 4796, TcpRatesOffset = 4800,
        NumResolutionOffset = 5600, IrreversibleOffset = 5616, TcpMctOffset = 18698;

    /// <summary>opj_image_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public uint X0, Y0, X1, Y1;
        public uint NumComps;
        public int ColorSpace;
        public ImageComponent* Comps;
        public byte* IccProfileBuf;
        public uint IccProfileLen;
    }

    /// <summary>opj_image_comp_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ImageComponent
    {
        public uint Dx, Dy, W, H, X0, Y0, Prec, Bpp, Sgnd, ResNoDecoded, Factor;
        public int* Data;
        public ushort Alpha;
    }

    /// <summary>opj_image_cmptparm_t.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ComponentParameters
    {
        public uint Dx, Dy, W, H, X0, Y0, Prec, Bpp, Sgnd;
    }

    public readonly delegate* unmanaged[Cdecl]<int, IntPtr> CreateDecompress;
    public readonly delegate* unmanaged[Cdecl]<int, IntPtr> CreateCompress;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> DestroyCodec;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, IntPtr, void>, IntPtr, int> SetErrorHandler;
    public readonly delegate* unmanaged[Cdecl]<byte*, void> SetDefaultDecoderParameters;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, int> SetupDecoder;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, Image**, int> ReadHeader;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, Image*, int> Decode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> EndDecompress;
    public readonly delegate* unmanaged[Cdecl]<byte*, void> SetDefaultEncoderParameters;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, Image*, int> SetupEncoder;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, Image*, IntPtr, int> StartCompress;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> EncodeImage;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int> EndCompress;
    public readonly delegate* unmanaged[Cdecl]<uint, ComponentParameters*, int, Image*> ImageCreate;
    public readonly delegate* unmanaged[Cdecl]<Image*, void> ImageDestroy;

    public readonly delegate* unmanaged[Cdecl]<nuint, int, IntPtr> StreamCreate;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> StreamDestroy;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, nuint, IntPtr, nuint>, void> StreamSetReadFunction;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, nuint, IntPtr, nuint>, void> StreamSetWriteFunction;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<long, IntPtr, long>, void> StreamSetSkipFunction;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<long, IntPtr, int>, void> StreamSetSeekFunction;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, void> StreamSetUserData;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, ulong, void> StreamSetUserDataLength;

    private OpenJpeg(NativeCodecLibrary lib)
    {
        CreateDecompress = (delegate* unmanaged[Cdecl]<int, IntPtr>)lib.Export("opj_create_decompress");
        CreateCompress = (delegate* unmanaged[Cdecl]<int, IntPtr>)lib.Export("opj_create_compress");
        DestroyCodec = (delegate* unmanaged[Cdecl]<IntPtr, void>)lib.Export("opj_destroy_codec");
        SetErrorHandler = (delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, IntPtr, void>, IntPtr, int>)lib.Export("opj_set_error_handler");
        SetDefaultDecoderParameters = (delegate* unmanaged[Cdecl]<byte*, void>)lib.Export("opj_set_default_decoder_parameters");
        SetupDecoder = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int>)lib.Export("opj_setup_decoder");
        ReadHeader = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, Image**, int>)lib.Export("opj_read_header");
        Decode = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, Image*, int>)lib.Export("opj_decode");
        EndDecompress = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)lib.Export("opj_end_decompress");
        SetDefaultEncoderParameters = (delegate* unmanaged[Cdecl]<byte*, void>)lib.Export("opj_set_default_encoder_parameters");
        SetupEncoder = (delegate* unmanaged[Cdecl]<IntPtr, byte*, Image*, int>)lib.Export("opj_setup_encoder");
        StartCompress = (delegate* unmanaged[Cdecl]<IntPtr, Image*, IntPtr, int>)lib.Export("opj_start_compress");
        EncodeImage = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)lib.Export("opj_encode");
        EndCompress = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int>)lib.Export("opj_end_compress");
        ImageCreate = (delegate* unmanaged[Cdecl]<uint, ComponentParameters*, int, Image*>)lib.Export("opj_image_create");
        ImageDestroy = (delegate* unmanaged[Cdecl]<Image*, void>)lib.Export("opj_image_destroy");
        StreamCreate = (delegate* unmanaged[Cdecl]<nuint, int, IntPtr>)lib.Export("opj_stream_create");
        StreamDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)lib.Export("opj_stream_destroy");
        StreamSetReadFunction = (delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, nuint, IntPtr, nuint>, void>)lib.Export("opj_stream_set_read_function");
        StreamSetWriteFunction = (delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<byte*, nuint, IntPtr, nuint>, void>)lib.Export("opj_stream_set_write_function");
        StreamSetSkipFunction = (delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<long, IntPtr, long>, void>)lib.Export("opj_stream_set_skip_function");
        StreamSetSeekFunction = (delegate* unmanaged[Cdecl]<IntPtr, delegate* unmanaged[Cdecl]<long, IntPtr, int>, void>)lib.Export("opj_stream_set_seek_function");
        StreamSetUserData = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, void>)lib.Export("opj_stream_set_user_data");
        StreamSetUserDataLength = (delegate* unmanaged[Cdecl]<IntPtr, ulong, void>)lib.Export("opj_stream_set_user_data_length");
    }

    public static OpenJpeg Load(string fileName) => new(NativeCodecLibrary.Open(fileName, Package, "JPEG 2000"));
}
