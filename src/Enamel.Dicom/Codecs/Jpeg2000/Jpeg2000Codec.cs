using System.Buffers.Binary;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg2000;

/// <summary>
/// JPEG 2000 Image Compression (Lossless Only) 1.2.840.10008.1.2.4.90, (lossy) .91 and Part 2 Multi-component .92/.93
/// through OpenJPEG 2.5 (Debian package libopenjp2-7). Decodes a J2K codestream or a JP2 file. YBR_RCT and YBR_ICT
/// frames decode to RGB because OpenJPEG applies the inverse component transform the codestream's COD marker asks for.
/// <para>
/// Sign: when the codestream's sign differs from Pixel Representation, samples are reinterpreted by Pixel
/// Representation, as pydicom's J2K sign correction does: unsigned codestream data under Pixel Representation 1 is
/// read as two's complement of the codestream precision. Signed output is sign-extended to Bits Allocated.
/// </para>
/// <para>
/// Encoding always writes a lossless J2K codestream (no JP2 box): reversible 5/3 wavelet, one layer, one tile,
/// precision = Bits Stored. RGB input uses the reversible colour transform and is recorded as YBR_RCT (PS3.5 8.2.4);
/// other photometric interpretations are encoded component by component and keep their value.
/// </para>
/// </summary>
public sealed class Jpeg2000Codec : IFrameCodec
{
    private static ReadOnlySpan<byte> Jp2Signature => [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
    private static ReadOnlySpan<byte> CodestreamStart => [0xFF, 0x4F, 0xFF, 0x51];

    private readonly Lazy<OpenJpeg> library;

    public Jpeg2000Codec() : this(OpenJpeg.DefaultFileName) { }

    internal Jpeg2000Codec(string libraryFileName) => library = new Lazy<OpenJpeg>(() => OpenJpeg.Load(libraryFileName));

    public IReadOnlyList<string> TransferSyntaxUids { get; } =
        ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92", "1.2.840.10008.1.2.4.93"];

    public bool CanEncode => true;

    public PixelDataInfo DecodedInfo(PixelDataInfo encoded) => encoded with
    {
        PlanarConfiguration = 0,
        PhotometricInterpretation = encoded.PhotometricInterpretation is "YBR_RCT" or "YBR_ICT" ? "RGB" : encoded.PhotometricInterpretation,
    };

    public unsafe void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination)
    {
        info.Validate();
        if (info.BitsAllocated is not (8 or 16)) throw new DicomImagingException($"JPEG 2000 frames need Bits Allocated 8 or 16, not {info.BitsAllocated}");
        long expected = DecodedInfo(info).FrameLength;
        if (destination.Length != expected) throw new DicomImagingException($"JPEG 2000 decode needs a {expected}-byte destination, got {destination.Length}");
        int format = encoded.StartsWith(CodestreamStart) ? OpenJpeg.CodecJ2k
            : encoded.StartsWith(Jp2Signature) ? OpenJpeg.CodecJp2
            : throw new DicomImagingException("frame is neither a JPEG 2000 codestream (FF4F FF51) nor a JP2 file");

        var opj = library.Value;
        using var session = new OpenJpegSession(opj, opj.CreateDecompress(format));
        byte* parameters = stackalloc byte[OpenJpeg.DecoderParametersSize];
        opj.SetDefaultDecoderParameters(parameters);
        session.Check(opj.SetupDecoder(session.Codec, parameters), "decoder setup");
        fixed (byte* source = encoded)
        {
            session.OpenInput(source, encoded.Length);
            OpenJpeg.Image* image = null;
            int ok = opj.ReadHeader(session.Stream, session.Codec, &image);
            session.Image = image;
            session.Check(ok, "header read");
            CheckImage(image, info, decoded: false);
            session.Check(opj.Decode(session.Codec, session.Stream, image), "decode");
            session.Check(opj.EndDecompress(session.Codec, session.Stream), "end of decode");
            CheckImage(image, info, decoded: true);
            WriteSamples(image, info, destination);
        }
    }

    /// <summary>Checks the codestream's geometry against the dataset before OpenJPEG allocates or we copy anything.</summary>
    private static unsafe void CheckImage(OpenJpeg.Image* image, PixelDataInfo info, bool decoded)
    {
        if (image == null) throw new DicomImagingException("JPEG 2000 header read returned no image");
        long width = (long)image->X1 - image->X0, height = (long)image->Y1 - image->Y0;
        if (width != info.Columns || height != info.Rows || image->NumComps != info.SamplesPerPixel || image->Comps == null)
            throw new DicomImagingException(
                $"JPEG 2000 image is {width}x{height}x{image->NumComps} but the dataset says {info.Columns}x{info.Rows}x{info.SamplesPerPixel} (columns x rows x samples)");
        for (int c = 0; c < image->NumComps; c++)
        {
            var comp = image->Comps[c];
            if (comp.Dx != 1 || comp.Dy != 1 || comp.W != info.Columns || comp.H != info.Rows)
                throw new DicomImagingException($"JPEG 2000 component {c} is {comp.W}x{comp.H} with subsampling {comp.Dx}x{comp.Dy}; DICOM needs full-size components");
            if (comp.Prec < 1 || comp.Prec > info.BitsAllocated)
                throw new DicomImagingException($"JPEG 2000 component {c} has precision {comp.Prec}, which does not fit Bits Allocated {info.BitsAllocated}");
            if (decoded && comp.Data == null) throw new DicomImagingException($"JPEG 2000 component {c} was not decoded");
        }
    }

    private static unsafe void WriteSamples(OpenJpeg.Image* image, PixelDataInfo info, Span<byte> destination)
    {
        int components = info.SamplesPerPixel, outBytes = info.BytesPerSample;
        int pixels = info.Rows * info.Columns;
        for (int c = 0; c < components; c++)
        {
            var comp = image->Comps[c];
            var data = new ReadOnlySpan<int>(comp.Data, pixels);
            int precision = (int)comp.Prec;
            bool reinterpretSigned = info.IsSigned && comp.Sgnd == 0 && precision < 32;
            for (int p = 0; p < pixels; p++)
            {
                int value = data[p];
                if (reinterpretSigned) value = value << (32 - precision) >> (32 - precision);
                int at = (p * components + c) * outBytes;
                if (outBytes == 1) destination[at] = (byte)value;
                else BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], (ushort)value);
            }
        }
    }

    public unsafe (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        info.Validate();
        if (info.BitsAllocated is not (8 or 16)) throw new DicomImagingException($"JPEG 2000 encodes Bits Allocated 8 or 16, not {info.BitsAllocated}");
        if (info.SamplesPerPixel is not (1 or 3)) throw new DicomImagingException($"JPEG 2000 encoding supports 1 or 3 samples per pixel, not {info.SamplesPerPixel}");
        if (frame.Length != info.FrameLength) throw new DicomImagingException($"frame is {frame.Length} bytes; the attributes say {info.FrameLength}");
        int components = info.SamplesPerPixel;
        bool rct = components == 3 && info.PhotometricInterpretation == "RGB";

        var opj = library.Value;
        using var session = new OpenJpegSession(opj, opj.CreateCompress(OpenJpeg.CodecJ2k));
        var parms = stackalloc OpenJpeg.ComponentParameters[components];
        for (int c = 0; c < components; c++)
        {
            parms[c] = new OpenJpeg.ComponentParameters
            {
                Dx = 1, Dy = 1, W = (uint)info.Columns, H = (uint)info.Rows,
                Prec = (uint)info.BitsStored, Sgnd = (uint)info.PixelRepresentation,
            };
        }
        var image = opj.ImageCreate((uint)components, parms, components == 3 ? OpenJpeg.ColorSpaceSrgb : OpenJpeg.ColorSpaceGray);
        if (image == null) throw new OutOfMemoryException("opj_image_create returned null");
        session.Image = image;
        image->X0 = 0;
        image->Y0 = 0;
        image->X1 = (uint)info.Columns;
        image->Y1 = (uint)info.Rows;
        ReadSamples(frame, info, image);

        byte* parameters = stackalloc byte[OpenJpeg.EncoderParametersSize];
        opj.SetDefaultEncoderParameters(parameters);
        *(int*)(parameters + OpenJpeg.TcpNumLayersOffset) = 1;
        *(float*)(parameters + OpenJpeg.TcpRatesOffset) = 0; // rate 0 = keep everything: lossless
        *(int*)(parameters + OpenJpeg.CpDistoAllocOffset) = 1;
        *(int*)(parameters + OpenJpeg.IrreversibleOffset) = 0; // reversible 5/3 wavelet
        *(int*)(parameters + OpenJpeg.NumResolutionOffset) = Resolutions(Math.Min(info.Rows, info.Columns));
        parameters[OpenJpeg.TcpMctOffset] = (byte)(rct ? 1 : 0);
        session.Check(opj.SetupEncoder(session.Codec, parameters, image), "encoder setup");

        session.OpenOutput();
        session.Check(opj.StartCompress(session.Codec, image, session.Stream), "start of encode");
        session.Check(opj.EncodeImage(session.Codec, session.Stream), "encode");
        session.Check(opj.EndCompress(session.Codec, session.Stream), "end of encode");
        var bytes = session.Output;
        // Fragments have even length (PS3.5 A.4); a trailing zero after EOC is ignored by decoders.
        if (bytes.Length % 2 != 0) Array.Resize(ref bytes, bytes.Length + 1);
        var encodedInfo = info with { PlanarConfiguration = 0, PhotometricInterpretation = rct ? "YBR_RCT" : info.PhotometricInterpretation };
        return (bytes, encodedInfo);
    }

    /// <summary>Six resolutions (five decompositions) as usual, fewer for images too small to halve that often.</summary>
    private static int Resolutions(int smallerSide)
    {
        int levels = 1;
        while (levels < 6 && 1 << levels <= smallerSide) levels++;
        return levels;
    }

    /// <summary>Copies the native frame into the image's per-component int planes, masked to Bits Stored and sign-extended when signed.</summary>
    private static unsafe void ReadSamples(ReadOnlySpan<byte> frame, PixelDataInfo info, OpenJpeg.Image* image)
    {
        int components = info.SamplesPerPixel, inBytes = info.BytesPerSample, bits = info.BitsStored;
        int pixels = info.Rows * info.Columns;
        bool planar = info.PlanarConfiguration == 1 && components > 1;
        for (int c = 0; c < components; c++)
        {
            var data = new Span<int>(image->Comps[c].Data, pixels);
            for (int p = 0; p < pixels; p++)
            {
                int index = planar ? c * pixels + p : p * components + c;
                int value = inBytes == 1 ? frame[index] : BinaryPrimitives.ReadUInt16LittleEndian(frame[(index * 2)..]);
                value = info.IsSigned ? value << (32 - bits) >> (32 - bits) : value & (int)((1u << bits) - 1);
                data[p] = value;
            }
        }
    }
}
