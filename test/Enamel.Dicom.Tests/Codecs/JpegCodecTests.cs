using Enamel.Dicom.Codecs;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Codecs;

public class JpegCodecTests
{
    /// <summary>dcmdjpeg uses libjpeg's integer IDCT and triangle chroma upsampling; JpegLibrary a float IDCT. Measured: at most 1.</summary>
    private const int LossyTolerance = 2;

    [Theory]
    [InlineData("JPEG-lossy.dcm")]
    [InlineData("JPGExtended.dcm")]
    [InlineData("SC_rgb_jpeg_dcmtk.dcm")]
    public void Decode_LossySample_MatchesDcmdjpegWithinTolerance(string sample) =>
        AssertLossyCloseToDcmdjpeg(TestFiles.NewTempDir(), TestFiles.Sample(sample));

    [Theory]
    [InlineData("MR_small.dcm", "+eb")]
    [InlineData("CT_small.dcm", "+ee")]
    [InlineData("SC_rgb", "+eb")]
    [InlineData("SC_rgb", "+eb", "+s4")]
    [InlineData("SC_rgb", "+ee", "+n2")]
    public void Decode_DcmcjpegLossy_MatchesDcmdjpegWithinTolerance(string sample, params string[] options)
    {
        var dir = TestFiles.NewTempDir();
        var compressed = PixelHelpers.Dcmtk(dir, "dcmcjpeg", Source(dir, sample), options);
        AssertLossyCloseToDcmdjpeg(dir, compressed);
    }

    [Theory]
    [InlineData("MR_small.dcm", "+e1")]
    [InlineData("CT_small.dcm", "+e1")]
    [InlineData("SC_rgb", "+e1")]
    [InlineData("SC_rgb_small_odd.dcm", "+e1")]
    [InlineData("MR_small.dcm", "+el", "+sv", "2")]
    [InlineData("CT_small.dcm", "+el", "+sv", "3")]
    [InlineData("CT_small.dcm", "+el", "+sv", "4")]
    [InlineData("CT_small.dcm", "+el", "+sv", "5")]
    [InlineData("CT_small.dcm", "+el", "+sv", "6")]
    [InlineData("CT_small.dcm", "+el", "+sv", "7")]
    [InlineData("SC_rgb", "+el", "+sv", "7")]
    public void Decode_DcmcjpegLossless_IsPixelExact(string sample, params string[] options)
    {
        var dir = TestFiles.NewTempDir();
        var original = Source(dir, sample);
        var compressed = PixelHelpers.Dcmtk(dir, "dcmcjpeg", original, options);
        var dcmtkDecoded = PixelHelpers.Dcmtk(dir, "dcmdjpeg", compressed);
        var ours = PixelHelpers.AllFrames(compressed);
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(original), ours, $"{sample} {string.Join(' ', options)} vs original");
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(dcmtkDecoded), ours, $"{sample} {string.Join(' ', options)} vs dcmdjpeg");
    }

    [Theory]
    [InlineData("+e1")]
    [InlineData("+eb")]
    public void Decode_TruncatedStream_ThrowsImagingException(string process)
    {
        var dir = TestFiles.NewTempDir();
        var compressed = PixelHelpers.Dcmtk(dir, "dcmcjpeg", TestFiles.Sample("MR_small.dcm"), process);
        using var file = DicomFile.Open(compressed);
        var pixels = DicomPixelData.Create(file);
        var stream = pixels.GetEncodedFrame(0);
        var codec = DicomCodecRegistry.Default.Get(file.TransferSyntax);
        foreach (int cut in new[] { 0, 1, 2, 20, 100, 300, stream.Length / 2, stream.Length - 10 })
        {
            var destination = new byte[codec.DecodedInfo(pixels.Info).FrameLength];
            try { codec.Decode(stream.AsSpan(0, cut), pixels.Info, destination); }
            catch (DicomImagingException) { continue; }
            // A decoder may fill a cut-off tail with zeros (as libjpeg does); that is acceptable, a crash is not.
        }
    }

    [Theory]
    [InlineData("SC_rgb", "+eb")]
    [InlineData("CT_small.dcm", "+ee")]
    [InlineData("SC_rgb", "+e1")]
    [InlineData("CT_small.dcm", "+el", "+sv", "6")]
    public void Decode_MutatedStreams_ThrowOnlyImagingException(string sample, params string[] options)
    {
        var dir = TestFiles.NewTempDir();
        using var file = DicomFile.Open(PixelHelpers.Dcmtk(dir, "dcmcjpeg", Source(dir, sample), options));
        var pixels = DicomPixelData.Create(file);
        var stream = pixels.GetEncodedFrame(0);
        var codec = DicomCodecRegistry.Default.Get(file.TransferSyntax);
        var destination = new byte[codec.DecodedInfo(pixels.Info).FrameLength];
        var random = new Random(20261123);   // fixed seed: the same mutations every run
        for (int iteration = 0; iteration < 1000; iteration++)
        {
            var mutated = (byte[])stream.Clone();
            for (int k = random.Next(1, 9); k > 0; k--) mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0) mutated = mutated[..random.Next(mutated.Length)];
            try { codec.Decode(mutated, pixels.Info, destination); }
            catch (DicomImagingException) { }
        }
    }

    [Fact]
    public void DecodedInfo_LossyYbrFull422_IsRgbPlanar0()
    {
        var codec = DicomCodecRegistry.Default.Get(DicomTransferSyntax.JpegBaseline);
        var info = new PixelDataInfo { Rows = 2, Columns = 2, SamplesPerPixel = 3, PhotometricInterpretation = "YBR_FULL_422", PlanarConfiguration = 1 };
        var decoded = codec.DecodedInfo(info);
        Assert.Equal("RGB", decoded.PhotometricInterpretation);
        Assert.Equal(0, decoded.PlanarConfiguration);
        Assert.Equal("YBR_FULL_422", DicomCodecRegistry.Default.Get(DicomTransferSyntax.JpegLosslessSV1).DecodedInfo(info).PhotometricInterpretation);
    }

    /// <summary>A sample path, or "SC_rgb": the uncompressed 100x100 RGB image dcmdrle makes from SC_rgb_rle.dcm.</summary>
    internal static string Source(string dir, string sample) =>
        sample == "SC_rgb" ? PixelHelpers.Dcmtk(dir, "dcmdrle", TestFiles.Sample("SC_rgb_rle.dcm")) : TestFiles.Sample(sample);

    private static void AssertLossyCloseToDcmdjpeg(string dir, string compressed)
    {
        var reference = PixelHelpers.Dcmtk(dir, "dcmdjpeg", compressed);
        using var refFile = DicomFile.Open(reference);
        using var file = DicomFile.Open(compressed);
        var pixels = DicomPixelData.Create(file);
        Assert.Equal(refFile.Dataset.GetString(DicomTags.PhotometricInterpretation), pixels.DecodedInfo.PhotometricInterpretation);
        int max = PixelHelpers.MaxDifference(PixelHelpers.AllFrames(refFile), PixelHelpers.AllFrames(file), pixels.DecodedInfo);
        Assert.True(max <= LossyTolerance, $"{Path.GetFileName(compressed)}: largest difference from dcmdjpeg is {max}");
    }
}
