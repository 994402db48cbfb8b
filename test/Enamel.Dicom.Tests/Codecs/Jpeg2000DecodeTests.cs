using System.Buffers.Binary;
using System.Text;
using Enamel.Dicom.Codecs.Jpeg2000;
using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;
using static Enamel.Dicom.Tests.Codecs.CodecTestFiles;

namespace Enamel.Dicom.Tests.Codecs;

public sealed class Jpeg2000DecodeTests : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Decode_MrSmallJp2kLossless_EqualsNativeMrSmall()
    {
        AssertPixelsEqual(Frame(TestFiles.Sample("MR_small.dcm")), Frame(TestFiles.Sample("MR_small_jp2klossless.dcm")), "MR_small JPEG 2000");
    }

    [Theory]
    [InlineData("MR_small_jp2klossless.dcm")]
    [InlineData("JPEG2000.dcm")]
    public void Decode_Sample_EqualsGdcmconvRaw(string sample)
    {
        var peer = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", TestFiles.Sample(sample), peer);
        AssertPixelsEqual(Frame(peer), Frame(TestFiles.Sample(sample)), $"{sample} vs gdcmconv --raw");
    }

    // gdcmconv --j2k aborts (double free) on the 3x3 SC_rgb_small_odd.dcm, so our encoder tests cover that one.
    public static TheoryData<string> LosslessInputs => ["MR_small.dcm", "CT_small.dcm", "rgb", "mono8", "signed12", "mono12u"];

    [Theory]
    [MemberData(nameof(LosslessInputs))]
    public void Decode_GdcmconvJ2kLossless_EqualsOriginalAndGdcm(string input)
    {
        var native = Input(input);
        var encoded = Path.Combine(dir, "j2k.dcm");
        PeerTools.RunChecked("gdcmconv", "--j2k", native, encoded);
        var ours = Frame(encoded);
        var info = DecodedInfo(native);
        JpegLsDecodeTests.AssertSamplesEqual(Frame(native), ours, info, $"{input} vs original");

        var peer = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", encoded, peer);
        JpegLsDecodeTests.AssertSamplesEqual(Frame(peer), ours, info, $"{input} vs gdcmconv --raw");
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("CT_small.dcm")]
    [InlineData("rgb")]
    [InlineData("mono8")]
    public void Decode_GdcmconvJ2kLossy_MatchesGdcmWithinOne(string input)
    {
        var native = Input(input);
        var encoded = Path.Combine(dir, "j2k-lossy.dcm");
        PeerTools.RunChecked("gdcmconv", "--j2k", "--lossy", "-q", "40", native, encoded);
        using (var file = DicomFile.Open(encoded)) Assert.Equal("1.2.840.10008.1.2.4.91", file.TransferSyntax.Uid);
        var ours = Frame(encoded);

        var peer = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", encoded, peer);
        var info = DecodedInfo(native);
        Assert.InRange(MaxDifference(Frame(peer), ours, info), 0, 1);
        // Sanity: a lossy image still resembles its source (mean absolute error well under 5% of the range).
        var a = Samples(Frame(native), info);
        var b = Samples(ours, info);
        double mae = a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        Assert.True(mae < (1 << info.BitsStored) * 0.05, $"mean absolute error {mae}");
    }

    [Fact]
    public void Decode_Jp2WrappedCodestream_EqualsNativeAndGdcm()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jp2klossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var jp2 = WrapInJp2(pixels.GetEncodedFrame(0), pixels.Info);
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        new Jpeg2000Codec().Decode(jp2, pixels.Info, destination);
        AssertPixelsEqual(Frame(TestFiles.Sample("MR_small.dcm")), destination, "JP2-wrapped MR_small");

        var wrapped = WriteEncapsulated(file.Dataset, [Even(jp2)], pixels.Info, "1.2.840.10008.1.2.4.90", Path.Combine(dir, "jp2.dcm"));
        var peer = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", wrapped, peer);
        AssertPixelsEqual(Frame(peer), Frame(wrapped), "JP2-wrapped vs gdcmconv --raw");
    }

    [Fact]
    public void Decode_UnsignedCodestreamUnderSignedPixelRepresentation_ReadsTwosComplement()
    {
        // The codestream says unsigned 12-bit; the dataset says Pixel Representation 1. pydicom's J2K sign correction
        // (and our decoder) reinterpret the 12-bit patterns as two's complement.
        var native = Signed12Native(dir);
        var signedInfo = DecodedInfo(native);
        var original = Frame(native);
        var unsignedInfo = signedInfo with { PixelRepresentation = 0 };
        var masked = new byte[original.Length];
        for (int i = 0; i < original.Length; i += 2)
            BinaryPrimitives.WriteUInt16LittleEndian(masked.AsSpan(i), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(i)) & 0x0FFF));
        var (codestream, _) = new Jpeg2000Codec().Encode(masked, unsignedInfo);
        Assert.Equal(0, codestream[42] >> 7); // SIZ Ssiz of component 0: sign bit clear

        var destination = new byte[original.Length];
        new Jpeg2000Codec().Decode(codestream, signedInfo, destination);
        AssertPixelsEqual(original, destination, "unsigned J2K read as signed");

        using var template = DicomFile.Open(native);
        var path = WriteEncapsulated(template.Dataset, [codestream], signedInfo, "1.2.840.10008.1.2.4.90", Path.Combine(dir, "mismatch.dcm"));
        var peer = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", path, peer);
        JpegLsDecodeTests.AssertSamplesEqual(Frame(peer), Frame(path), signedInfo, "sign mismatch vs gdcmconv --raw");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(200)]
    public void Decode_TruncatedCodestream_ThrowsImagingException(int keep)
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jp2klossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        Assert.Throws<DicomImagingException>(() => new Jpeg2000Codec().Decode(pixels.GetEncodedFrame(0)[..keep], pixels.Info, destination));
    }

    [Fact]
    public void Decode_HugeDeclaredSize_ThrowsBeforeDecoding()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jp2klossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.GetEncodedFrame(0);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), 60000); // SIZ Xsiz
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), 60000); // SIZ Ysiz
        var ex = Assert.Throws<DicomImagingException>(() => new Jpeg2000Codec().Decode(frame, pixels.Info, new byte[pixels.DecodedInfo.FrameLength]));
        Assert.Contains("JPEG 2000", ex.Message);
    }

    [Fact]
    public void Decode_NotJpeg2000_ThrowsImagingException()
    {
        var info = new PixelDataInfo { Rows = 2, Columns = 2 };
        var ex = Assert.Throws<DicomImagingException>(() => new Jpeg2000Codec().Decode(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2 }, info, new byte[4]));
        Assert.Contains("neither", ex.Message);
    }

    [Fact]
    public void Decode_RandomCorruption_DecodesOrThrowsImagingExceptionNeverCrashes()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jp2klossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.GetEncodedFrame(0);
        var random = new Random(20261123);
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        for (int round = 0; round < 200; round++)
        {
            var copy = (byte[])frame.Clone();
            int flips = 1 + random.Next(8);
            for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            try { new Jpeg2000Codec().Decode(copy, pixels.Info, destination); }
            catch (DicomImagingException) { }
        }
    }

    [Fact]
    public void Decode_LibraryMissing_NamesTheDebianPackage()
    {
        var info = new PixelDataInfo { Rows = 2, Columns = 2 };
        var codec = new Jpeg2000Codec("libopenjp2-not-installed.so.7");
        var ex = Assert.Throws<DicomImagingException>(() => codec.Decode(new byte[] { 0xFF, 0x4F, 0xFF, 0x51 }, info, new byte[4]));
        Assert.Contains("apt-get install libopenjp2-7", ex.Message);
        ex = Assert.Throws<DicomImagingException>(() => codec.Encode(new byte[4], info));
        Assert.Contains("apt-get install libopenjp2-7", ex.Message);
    }

    [Theory]
    [InlineData("YBR_RCT", "RGB")]
    [InlineData("YBR_ICT", "RGB")]
    [InlineData("RGB", "RGB")]
    [InlineData("YBR_FULL", "YBR_FULL")]
    [InlineData("MONOCHROME1", "MONOCHROME1")]
    public void DecodedInfo_ComponentTransformPhotometric_BecomesRgb(string encoded, string decoded)
    {
        var info = new PixelDataInfo { Rows = 2, Columns = 2, SamplesPerPixel = encoded.StartsWith("MONO") ? 1 : 3, PhotometricInterpretation = encoded, PlanarConfiguration = 1 };
        var result = new Jpeg2000Codec().DecodedInfo(info);
        Assert.Equal(decoded, result.PhotometricInterpretation);
        Assert.Equal(0, result.PlanarConfiguration);
    }

    /// <summary>A minimal JP2 file (ISO/IEC 15444-1 Annex I): signature, file type, header (ihdr, colr) and the codestream box.</summary>
    internal static byte[] WrapInJp2(byte[] codestream, PixelDataInfo info)
    {
        using var ms = new MemoryStream();
        void Box(string type, byte[] body)
        {
            Span<byte> head = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(head, (uint)(8 + body.Length));
            Encoding.ASCII.GetBytes(type, head[4..]);
            ms.Write(head);
            ms.Write(body);
        }
        Box("jP  ", [0x0D, 0x0A, 0x87, 0x0A]);
        Box("ftyp", [.. "jp2 "u8, 0, 0, 0, 0, .. "jp2 "u8]);
        var ihdr = new byte[14];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)info.Rows);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)info.Columns);
        BinaryPrimitives.WriteUInt16BigEndian(ihdr.AsSpan(8), (ushort)info.SamplesPerPixel);
        ihdr[10] = (byte)((info.BitsStored - 1) | (info.IsSigned ? 0x80 : 0));
        ihdr[11] = 7; // compression type: JPEG 2000
        byte[] colr = [1, 0, 0, 0, 0, 0, (byte)(info.SamplesPerPixel == 1 ? 17 : 16)]; // enumerated: greyscale / sRGB
        using (var header = new MemoryStream())
        {
            void Sub(string type, byte[] body)
            {
                var len = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(len, (uint)(8 + body.Length));
                header.Write(len);
                header.Write(Encoding.ASCII.GetBytes(type));
                header.Write(body);
            }
            Sub("ihdr", ihdr);
            Sub("colr", colr);
            Box("jp2h", header.ToArray());
        }
        Box("jp2c", codestream);
        return ms.ToArray();
    }

    private static byte[] Even(byte[] b) => b.Length % 2 == 0 ? b : [.. b, 0];

    private string Input(string name) => name switch
    {
        "rgb" => RgbNative(dir),
        "mono8" => Mono8Native(dir),
        "signed12" => Signed12Native(dir),
        "mono12u" => Unsigned12Native(dir),
        _ => TestFiles.Sample(name),
    };
}
