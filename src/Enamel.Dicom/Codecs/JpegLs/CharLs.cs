using System.Runtime.InteropServices;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.JpegLs;

/// <summary>The CharLS 2.x C API (charls/charls_jpegls_decoder.h, charls_jpegls_encoder.h) bound by symbol.</summary>
internal sealed unsafe class CharLs
{
    public const string DefaultFileName = "libcharls.so.2";
    public const string Package = "libcharls2";

    // charls_interleave_mode
    public const int InterleaveNone = 0, InterleaveLine = 1, InterleaveSample = 2;
    // charls_encoding_options
    public const int EvenDestinationSize = 1, IncludePcParametersJai = 4;

    /// <summary>charls_frame_info (public_types.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }

    public readonly delegate* unmanaged[Cdecl]<IntPtr> DecoderCreate;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> DecoderDestroy;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int> DecoderSetSourceBuffer;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int> DecoderReadHeader;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, FrameInfo*, int> DecoderGetFrameInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, int*, int> DecoderGetNearLossless;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, int> DecoderGetInterleaveMode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, uint, nuint*, int> DecoderGetDestinationSize;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, uint, int> DecoderDecodeToBuffer;

    public readonly delegate* unmanaged[Cdecl]<IntPtr> EncoderCreate;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> EncoderDestroy;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, FrameInfo*, int> EncoderSetFrameInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, int> EncoderSetNearLossless;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, int> EncoderSetInterleaveMode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, int> EncoderSetEncodingOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, int> EncoderGetEstimatedDestinationSize;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int> EncoderSetDestinationBuffer;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, uint, int> EncoderEncodeFromBuffer;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, int> EncoderGetBytesWritten;

    private readonly delegate* unmanaged[Cdecl]<int, byte*> getErrorMessage;

    private CharLs(NativeCodecLibrary lib)
    {
        DecoderCreate = (delegate* unmanaged[Cdecl]<IntPtr>)lib.Export("charls_jpegls_decoder_create");
        DecoderDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)lib.Export("charls_jpegls_decoder_destroy");
        DecoderSetSourceBuffer = (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int>)lib.Export("charls_jpegls_decoder_set_source_buffer");
        DecoderReadHeader = (delegate* unmanaged[Cdecl]<IntPtr, int>)lib.Export("charls_jpegls_decoder_read_header");
        DecoderGetFrameInfo = (delegate* unmanaged[Cdecl]<IntPtr, FrameInfo*, int>)lib.Export("charls_jpegls_decoder_get_frame_info");
        DecoderGetNearLossless = (delegate* unmanaged[Cdecl]<IntPtr, int, int*, int>)lib.Export("charls_jpegls_decoder_get_near_lossless");
        DecoderGetInterleaveMode = (delegate* unmanaged[Cdecl]<IntPtr, int*, int>)lib.Export("charls_jpegls_decoder_get_interleave_mode");
        DecoderGetDestinationSize = (delegate* unmanaged[Cdecl]<IntPtr, uint, nuint*, int>)lib.Export("charls_jpegls_decoder_get_destination_size");
        DecoderDecodeToBuffer = (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, uint, int>)lib.Export("charls_jpegls_decoder_decode_to_buffer");
        EncoderCreate = (delegate* unmanaged[Cdecl]<IntPtr>)lib.Export("charls_jpegls_encoder_create");
        EncoderDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)lib.Export("charls_jpegls_encoder_destroy");
        EncoderSetFrameInfo = (delegate* unmanaged[Cdecl]<IntPtr, FrameInfo*, int>)lib.Export("charls_jpegls_encoder_set_frame_info");
        EncoderSetNearLossless = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)lib.Export("charls_jpegls_encoder_set_near_lossless");
        EncoderSetInterleaveMode = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)lib.Export("charls_jpegls_encoder_set_interleave_mode");
        EncoderSetEncodingOptions = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)lib.Export("charls_jpegls_encoder_set_encoding_options");
        EncoderGetEstimatedDestinationSize = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, int>)lib.Export("charls_jpegls_encoder_get_estimated_destination_size");
        EncoderSetDestinationBuffer = (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, int>)lib.Export("charls_jpegls_encoder_set_destination_buffer");
        EncoderEncodeFromBuffer = (delegate* unmanaged[Cdecl]<IntPtr, byte*, nuint, uint, int>)lib.Export("charls_jpegls_encoder_encode_from_buffer");
        EncoderGetBytesWritten = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, int>)lib.Export("charls_jpegls_encoder_get_bytes_written");
        getErrorMessage = (delegate* unmanaged[Cdecl]<int, byte*>)lib.Export("charls_get_error_message");
    }

    public static CharLs Load(string fileName) => new(NativeCodecLibrary.Open(fileName, Package, "JPEG-LS"));

    /// <summary>Throws when a charls_jpegls_errc is not success (0), with CharLS's own message.</summary>
    public void Check(int errc, string step)
    {
        if (errc == 0) return;
        var message = Marshal.PtrToStringUTF8((IntPtr)getErrorMessage(errc)) ?? "unknown error";
        throw new DicomImagingException($"JPEG-LS {step} failed: {message} (CharLS error {errc})");
    }
}
