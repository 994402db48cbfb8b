using System.Buffers.Binary;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.JpegLs;

/// <summary>
/// JPEG-LS Lossless (1.2.840.10008.1.2.4.80) and Near-Lossless (1.2.840.10008.1.2.4.81) through CharLS 2.x
/// (Debian package libcharls2). Decoded frames are colour-by-pixel (PS3.5 8.2.3 leaves Planar Configuration to the
/// codestream's interleave mode); signed samples narrower than Bits Allocated are sign-extended from the
/// codestream's precision, as pydicom does. Encoding writes one JPEG-LS scan per frame, lossless unless
/// <see cref="NearLossless"/> is set, with precision = Bits Stored.
/// </summary>
public sealed class JpegLsCodec : IFrameCodec
{
    private readonly Lazy<CharLs> library;

    public JpegLsCodec() : this(CharLs.DefaultFileName) { }

    /// <param name="nearLossless">The NEAR parameter for encoding (0 = lossless).</param>
    public JpegLsCodec(int nearLossless) : this(CharLs.DefaultFileName, nearLossless) { }

    internal JpegLsCodec(string libraryFileName, int nearLossless = 0)
    {
        if (nearLossless is < 0 or > 255) throw new ArgumentOutOfRangeException(nameof(nearLossless), "NEAR must be 0..255");
        NearLossless = nearLossless;
        library = new Lazy<CharLs>(() => CharLs.Load(libraryFileName));
    }

    /// <summary>The NEAR parameter used by <see cref="Encode"/>; 0 means lossless.</summary>
    public int NearLossless { get; }

    public IReadOnlyList<string> TransferSyntaxUids { get; } = ["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"];

    public bool CanEncode => true;

    public PixelDataInfo DecodedInfo(PixelDataInfo encoded) => encoded with { PlanarConfiguration = 0 };

    public unsafe void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination)
    {
        info.Validate();
        if (info.BitsAllocated is not (8 or 16)) throw new DicomImagingException($"JPEG-LS frames need Bits Allocated 8 or 16, not {info.BitsAllocated}");
        long expected = DecodedInfo(info).FrameLength;
        if (destination.Length != expected) throw new DicomImagingException($"JPEG-LS decode needs a {expected}-byte destination, got {destination.Length}");
        if (encoded.Length < 4) throw new DicomImagingException($"JPEG-LS frame is {encoded.Length} bytes: too short to hold a codestream");

        var charls = library.Value;
        var decoder = charls.DecoderCreate();
        if (decoder == IntPtr.Zero) throw new OutOfMemoryException("charls_jpegls_decoder_create returned null");
        try
        {
            fixed (byte* source = encoded)
            {
                charls.Check(charls.DecoderSetSourceBuffer(decoder, source, (nuint)encoded.Length), "set source");
                charls.Check(charls.DecoderReadHeader(decoder), "header read");
                CharLs.FrameInfo frame;
                charls.Check(charls.DecoderGetFrameInfo(decoder, &frame), "frame info");
                int interleave;
                charls.Check(charls.DecoderGetInterleaveMode(decoder, &interleave), "interleave mode");
                CheckFrame(frame, info);

                int codeBytes = frame.BitsPerSample <= 8 ? 1 : 2;
                bool planar = interleave == CharLs.InterleaveNone && frame.ComponentCount > 1;
                bool extend = info.IsSigned && frame.BitsPerSample < 8 * info.BytesPerSample;
                nuint size;
                charls.Check(charls.DecoderGetDestinationSize(decoder, 0, &size), "destination size");
                long samples = (long)info.Rows * info.Columns * info.SamplesPerPixel;
                if ((long)size != samples * codeBytes) throw new DicomImagingException($"JPEG-LS decoder wants {size} bytes for {samples} samples of {codeBytes} byte(s)");

                if (!planar && !extend && codeBytes == info.BytesPerSample)
                {
                    fixed (byte* target = destination)
                        charls.Check(charls.DecoderDecodeToBuffer(decoder, target, size, 0), "decode");
                    return;
                }
                var buffer = GC.AllocateUninitializedArray<byte>(checked((int)size));
                fixed (byte* target = buffer)
                    charls.Check(charls.DecoderDecodeToBuffer(decoder, target, size, 0), "decode");
                Relayout(buffer, codeBytes, planar, extend ? frame.BitsPerSample : 0, info, destination);
            }
        }
        finally
        {
            charls.DecoderDestroy(decoder);
        }
    }

    private static void CheckFrame(CharLs.FrameInfo frame, PixelDataInfo info)
    {
        if (frame.Width != info.Columns || frame.Height != info.Rows || frame.ComponentCount != info.SamplesPerPixel)
            throw new DicomImagingException(
                $"JPEG-LS frame is {frame.Width}x{frame.Height}x{frame.ComponentCount} but the dataset says {info.Columns}x{info.Rows}x{info.SamplesPerPixel} (columns x rows x samples)");
        if (frame.BitsPerSample > info.BitsAllocated)
            throw new DicomImagingException($"JPEG-LS precision {frame.BitsPerSample} does not fit Bits Allocated {info.BitsAllocated}");
    }

    /// <summary>Copies CharLS output (1- or 2-byte samples, maybe planar) into a colour-by-pixel native frame.</summary>
    private static void Relayout(ReadOnlySpan<byte> source, int codeBytes, bool planar, int signBits, PixelDataInfo info, Span<byte> destination)
    {
        int components = info.SamplesPerPixel, outBytes = info.BytesPerSample;
        long pixels = (long)info.Rows * info.Columns;
        for (long p = 0; p < pixels; p++)
        {
            for (int c = 0; c < components; c++)
            {
                long from = planar ? c * pixels + p : p * components + c;
                int value = codeBytes == 1 ? source[(int)from] : BinaryPrimitives.ReadUInt16LittleEndian(source[(int)(from * 2)..]);
                if (signBits > 0) value = value << (32 - signBits) >> (32 - signBits);
                int to = (int)((p * components + c) * outBytes);
                if (outBytes == 1) destination[to] = (byte)value;
                else BinaryPrimitives.WriteUInt16LittleEndian(destination[to..], (ushort)value);
            }
        }
    }

    public unsafe (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        info.Validate();
        if (info.BitsAllocated is not (8 or 16)) throw new DicomImagingException($"JPEG-LS encodes Bits Allocated 8 or 16, not {info.BitsAllocated}");
        if (info.BitsStored < 2) throw new DicomImagingException($"JPEG-LS needs Bits Stored of at least 2, not {info.BitsStored}");
        if (info.SamplesPerPixel is not (1 or 3)) throw new DicomImagingException($"JPEG-LS encoding supports 1 or 3 samples per pixel, not {info.SamplesPerPixel}");
        if (frame.Length != info.FrameLength) throw new DicomImagingException($"frame is {frame.Length} bytes; the attributes say {info.FrameLength}");
        // JPEG-LS codes signed samples as their unsigned bit pattern, where -1 and 0 are the range's ends: a near-lossless
        // error there wraps to the other sign. dcmtk refuses this case too.
        if (NearLossless > 0 && info.IsSigned) throw new DicomImagingException("JPEG-LS near-lossless cannot encode signed samples (Pixel Representation 1) without wrap-around errors; use lossless");

        // The codestream carries Bits Stored bits per sample, one or two bytes each as CharLS expects; bits above
        // the high bit (e.g. a sign extension) are not part of the sample.
        int precision = info.BitsStored, codeBytes = precision <= 8 ? 1 : 2;
        var source = PackSamples(frame, info, codeBytes);

        var charls = library.Value;
        var encoder = charls.EncoderCreate();
        if (encoder == IntPtr.Zero) throw new OutOfMemoryException("charls_jpegls_encoder_create returned null");
        try
        {
            var frameInfo = new CharLs.FrameInfo
            {
                Width = (uint)info.Columns, Height = (uint)info.Rows, BitsPerSample = precision, ComponentCount = info.SamplesPerPixel,
            };
            charls.Check(charls.EncoderSetFrameInfo(encoder, &frameInfo), "frame info");
            charls.Check(charls.EncoderSetNearLossless(encoder, NearLossless), "near-lossless");
            int interleave = info.SamplesPerPixel == 1 ? CharLs.InterleaveNone
                : info.PlanarConfiguration == 1 ? CharLs.InterleaveNone : CharLs.InterleaveSample;
            charls.Check(charls.EncoderSetInterleaveMode(encoder, interleave), "interleave mode");
            // Even size keeps the DICOM fragment even without padding after EOI.
            charls.Check(charls.EncoderSetEncodingOptions(encoder, CharLs.EvenDestinationSize | CharLs.IncludePcParametersJai), "options");
            nuint capacity;
            charls.Check(charls.EncoderGetEstimatedDestinationSize(encoder, &capacity), "size estimate");
            var output = new byte[checked((int)capacity + 1024)];
            nuint written;
            fixed (byte* target = output)
            fixed (byte* src = source)
            {
                charls.Check(charls.EncoderSetDestinationBuffer(encoder, target, (nuint)output.Length), "destination");
                charls.Check(charls.EncoderEncodeFromBuffer(encoder, src, (nuint)source.Length, 0), "encode");
                charls.Check(charls.EncoderGetBytesWritten(encoder, &written), "bytes written");
            }
            Array.Resize(ref output, (int)written);
            return (output, info with { PlanarConfiguration = 0 });
        }
        finally
        {
            charls.EncoderDestroy(encoder);
        }
    }

    /// <summary>The frame's samples masked to Bits Stored, in CharLS's 1- or 2-byte little-endian layout (planar order kept).</summary>
    private static byte[] PackSamples(ReadOnlySpan<byte> frame, PixelDataInfo info, int codeBytes)
    {
        long samples = (long)info.Rows * info.Columns * info.SamplesPerPixel;
        int mask = (1 << info.BitsStored) - 1;
        var packed = GC.AllocateUninitializedArray<byte>(checked((int)(samples * codeBytes)));
        int inBytes = info.BytesPerSample;
        for (int i = 0; i < samples; i++)
        {
            int value = (inBytes == 1 ? frame[i] : BinaryPrimitives.ReadUInt16LittleEndian(frame[(i * 2)..])) & mask;
            if (codeBytes == 1) packed[i] = (byte)value;
            else BinaryPrimitives.WriteUInt16LittleEndian(packed.AsSpan(i * 2), (ushort)value);
        }
        return packed;
    }
}
