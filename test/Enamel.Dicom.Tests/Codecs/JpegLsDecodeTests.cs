using Enamel.Dicom.Codecs.JpegLs;
using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;
using static Enamel.Dicom.Tests.Codecs.CodecTestFiles;

namespace Enamel.Dicom.Tests.Codecs;

public sealed class JpegLsDecodeTests : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Decode_MrSmallJpegLsLossless_EqualsNativeMrSmall()
    {
        AssertPixelsEqual(Frame(TestFiles.Sample("MR_small.dcm")), Frame(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm")), "MR_small JPEG-LS");
    }

    [Fact]
    public void Decode_MrSmallJpegLsLossless_EqualsDcmdjpls()
    {
        var peer = Path.Combine(dir, "dcmdjpls.dcm");
        PeerTools.RunChecked("dcmdjpls", TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm"), peer);
        AssertPixelsEqual(Frame(peer), Frame(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm")), "MR_small JPEG-LS vs dcmdjpls");
    }

    public static TheoryData<string, string> LosslessInputs => new()
    {
        { "MR_small.dcm", "+il" }, { "CT_small.dcm", "+il" }, { "SC_rgb_small_odd.dcm", "+il" },
        { "rgb", "+il" }, { "rgb", "+is" }, { "rgb", "+in" }, { "mono8", "+il" }, { "signed12", "+il" },
    };

    [Theory]
    [MemberData(nameof(LosslessInputs))]
    public void Decode_DcmcjplsLossless_EqualsOriginalAndDcmdjpls(string input, string interleave)
    {
        var native = Input(input);
        var encoded = Path.Combine(dir, "jls.dcm");
        PeerTools.RunChecked("dcmcjpls", "+el", interleave, native, encoded);
        var ours = Frame(encoded);

        var peer = Path.Combine(dir, "peer.dcm");
        PeerTools.RunChecked("dcmdjpls", encoded, peer);
        var info = DecodedInfo(native);
        AssertSamplesEqual(Frame(peer), ours, info, $"{input} {interleave} vs dcmdjpls");
        AssertSamplesEqual(Frame(native), ours, info, $"{input} {interleave} vs original");
    }

    [Theory]
    [InlineData("mono12u")]
    [InlineData("rgb")]
    [InlineData("mono8")]
    // dcmcjpls refuses near-lossless for signed data, so the signed samples are covered by the encoder tests.
    public void Decode_DcmcjplsNearLossless_EqualsDcmdjplsAndStaysWithinNear(string input)
    {
        var native = Input(input);
        var encoded = Path.Combine(dir, "jls-near.dcm");
        PeerTools.RunChecked("dcmcjpls", "+en", native, encoded);
        using (var file = DicomFile.Open(encoded)) Assert.Equal("1.2.840.10008.1.2.4.81", file.TransferSyntax.Uid);
        var ours = Frame(encoded);

        var peer = Path.Combine(dir, "peer.dcm");
        PeerTools.RunChecked("dcmdjpls", encoded, peer);
        var info = DecodedInfo(native);
        AssertSamplesEqual(Frame(peer), ours, info, $"{input} near-lossless vs dcmdjpls");
        int difference = MaxDifference(Frame(native), ours, info);
        Assert.InRange(difference, 0, 2); // dcmcjpls +en uses NEAR = 2
    }

    [Fact]
    public void DecodedInfo_RgbLineInterleaved_IsColourByPixel()
    {
        var encoded = Path.Combine(dir, "rgb-none.dcm");
        PeerTools.RunChecked("dcmcjpls", "+in", Input("rgb"), encoded);
        Assert.Equal(0, DecodedInfo(encoded).PlanarConfiguration);
        Assert.Equal("RGB", DecodedInfo(encoded).PhotometricInterpretation);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(-1)]
    public void Decode_TruncatedOrCorruptCodestream_ThrowsImagingException(int keep)
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.GetEncodedFrame(0);
        byte[] bad = keep switch
        {
            -1 => Corrupt(frame),
            _ => frame[..keep],
        };
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        var ex = Assert.Throws<DicomImagingException>(() => new JpegLsCodec().Decode(bad, pixels.Info, destination));
        Assert.Contains("JPEG-LS", ex.Message);
    }

    [Fact]
    public void Decode_HalfTheCodestream_ThrowsImagingException()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.GetEncodedFrame(0);
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        Assert.Throws<DicomImagingException>(() => new JpegLsCodec().Decode(frame[..(frame.Length / 2)], pixels.Info, destination));
    }

    [Fact]
    public void Decode_RandomCorruption_DecodesOrThrowsImagingExceptionNeverCrashes()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var frame = pixels.GetEncodedFrame(0);
        var random = new Random(20261123);
        var destination = new byte[pixels.DecodedInfo.FrameLength];
        for (int round = 0; round < 300; round++)
        {
            var copy = (byte[])frame.Clone();
            int flips = 1 + random.Next(8);
            for (int i = 0; i < flips; i++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            try { new JpegLsCodec().Decode(copy, pixels.Info, destination); }
            catch (DicomImagingException) { }
        }
    }

    [Fact]
    public void Decode_DimensionsDisagreeWithDataset_ThrowsBeforeDecoding()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small_jpeg_ls_lossless.dcm"));
        var pixels = DicomPixelData.Create(file);
        var info = pixels.Info with { Rows = 32 };
        var ex = Assert.Throws<DicomImagingException>(() => new JpegLsCodec().Decode(pixels.GetEncodedFrame(0), info, new byte[info.FrameLength]));
        Assert.Contains("64x64x1", ex.Message);
    }

    [Fact]
    public void Decode_LibraryMissing_NamesTheDebianPackage()
    {
        var info = new PixelDataInfo { Rows = 2, Columns = 2 };
        var codec = new JpegLsCodec("libcharls-not-installed.so.2");
        var ex = Assert.Throws<DicomImagingException>(() => codec.Decode(new byte[16], info, new byte[4]));
        Assert.Contains("apt-get install libcharls2", ex.Message);
        ex = Assert.Throws<DicomImagingException>(() => codec.Encode(new byte[4], info));
        Assert.Contains("apt-get install libcharls2", ex.Message);
    }

    private static byte[] Corrupt(byte[] frame)
    {
        var copy = (byte[])frame.Clone();
        // Overwrite the frame header's dimensions with zeros and the scan data with noise.
        for (int i = 4; i < Math.Min(copy.Length, 64); i++) copy[i] = 0;
        var random = new Random(1234);
        for (int i = 64; i < copy.Length; i++) copy[i] = (byte)random.Next(256);
        return copy;
    }

    internal static void AssertSamplesEqual(byte[] expected, byte[] actual, PixelDataInfo info, string what)
    {
        // Bits above Bits Stored are not part of a sample (PS3.5 8.1.1): compare within Bits Stored when narrower.
        if (info.BitsStored == info.BitsAllocated) { AssertPixelsEqual(expected, actual, what); return; }
        Assert.Equal(Samples(expected, info, maskToBitsStored: true), Samples(actual, info, maskToBitsStored: true));
    }

    private string Input(string name) => name switch
    {
        "rgb" => RgbNative(dir),
        "mono8" => Mono8Native(dir),
        "signed12" => Signed12Native(dir),
        "mono12u" => Unsigned12Native(dir),
        _ => TestFiles.Sample(name),
    };
}
