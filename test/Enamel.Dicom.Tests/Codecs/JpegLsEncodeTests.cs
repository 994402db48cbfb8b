using Enamel.Dicom.Codecs.JpegLs;
using Enamel.Dicom.Tests.Peers;
using static Enamel.Dicom.Tests.Codecs.CodecTestFiles;

namespace Enamel.Dicom.Tests.Codecs;

public sealed class JpegLsEncodeTests : IDisposable
{
    private const string Lossless = "1.2.840.10008.1.2.4.80", NearLossless = "1.2.840.10008.1.2.4.81";
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Inputs => ["MR_small.dcm", "CT_small.dcm", "SC_rgb_small_odd.dcm", "rgb", "rgb-planar", "mono8", "signed12", "mono12u"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Encode_Lossless_DecodesPixelExactWithOursDcmdjplsAndGdcm(string input)
    {
        var native = Input(input);
        // Decoded frames are colour-by-pixel, so the planar input is compared with its interleaved twin.
        var original = Frame(input == "rgb-planar" ? Input("rgb") : native);
        var info = DecodedInfo(native);
        var encoded = WriteEncoded(native, new JpegLsCodec(), Lossless, Path.Combine(dir, "ours.dcm"));

        AssertPixelsEqual(original, Frame(encoded), $"{input}: our decode of our encode");

        var dcmtk = Path.Combine(dir, "dcmdjpls.dcm");
        PeerTools.RunChecked("dcmdjpls", encoded, dcmtk);
        Assert.Equal(0, DecodedInfo(dcmtk).PlanarConfiguration);
        JpegLsDecodeTests.AssertSamplesEqual(original, Frame(dcmtk), info, $"{input}: dcmdjpls decode of our encode");

        var gdcm = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", encoded, gdcm);
        JpegLsDecodeTests.AssertSamplesEqual(original, Frame(gdcm), info, $"{input}: gdcmconv decode of our encode");
    }

    [Fact]
    public void Encode_RgbPlanar_RecordsPlanarConfigurationZeroAndKeepsRgb()
    {
        var native = Input("rgb-planar");
        using var file = DicomFile.Open(native);
        var pixels = Enamel.Dicom.Imaging.DicomPixelData.Create(file);
        var (bytes, info) = new JpegLsCodec().Encode(pixels.GetFrame(0), pixels.Info);
        Assert.Equal(0, info.PlanarConfiguration);
        Assert.Equal("RGB", info.PhotometricInterpretation);
        Assert.True(bytes.Length % 2 == 0);
        Assert.Equal([0xFF, 0xD8, 0xFF], bytes[..3]);
    }

    [Theory]
    [InlineData("mono12u")]
    [InlineData("mono8")]
    [InlineData("rgb")]
    public void Encode_NearLossless_StaysWithinNearAndMatchesDcmdjpls(string input)
    {
        var native = Input(input);
        var info = DecodedInfo(native);
        var encoded = WriteEncoded(native, new JpegLsCodec(nearLossless: 3), NearLossless, Path.Combine(dir, "near.dcm"));
        var ours = Frame(encoded);
        Assert.InRange(MaxDifference(Frame(native), ours, info), 0, 3);

        var dcmtk = Path.Combine(dir, "dcmdjpls.dcm");
        PeerTools.RunChecked("dcmdjpls", encoded, dcmtk);
        JpegLsDecodeTests.AssertSamplesEqual(ours, Frame(dcmtk), info, $"{input}: dcmdjpls decode of our near-lossless encode");
    }

    [Fact]
    public void Encode_NearLosslessSigned_ThrowsInsteadOfWrappingAround()
    {
        var native = Input("signed12");
        using var file = DicomFile.Open(native);
        var pixels = Enamel.Dicom.Imaging.DicomPixelData.Create(file);
        var ex = Assert.Throws<Enamel.Dicom.Imaging.DicomImagingException>(() => new JpegLsCodec(nearLossless: 2).Encode(pixels.GetFrame(0), pixels.Info));
        Assert.Contains("signed", ex.Message);
    }

    [Fact]
    public void Encode_WrongFrameLength_ThrowsImagingException()
    {
        var info = new Enamel.Dicom.Imaging.PixelDataInfo { Rows = 4, Columns = 4, BitsAllocated = 16, BitsStored = 16, HighBit = 15 };
        Assert.Throws<Enamel.Dicom.Imaging.DicomImagingException>(() => new JpegLsCodec().Encode(new byte[10], info));
    }

    private string Input(string name) => name switch
    {
        "rgb" => RgbNative(dir),
        "rgb-planar" => RgbNative(dir, planarConfiguration: 1),
        "mono8" => Mono8Native(dir),
        "signed12" => Signed12Native(dir),
        "mono12u" => Unsigned12Native(dir),
        _ => TestFiles.Sample(name),
    };
}
