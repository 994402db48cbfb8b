using Enamel.Dicom.Codecs;
using Enamel.Dicom.Codecs.Jpeg2000;
using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;
using static Enamel.Dicom.Tests.Codecs.CodecTestFiles;

namespace Enamel.Dicom.Tests.Codecs;

public sealed class Jpeg2000EncodeTests : IDisposable
{
    private const string Lossless = "1.2.840.10008.1.2.4.90";
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    public static TheoryData<string> Inputs => ["MR_small.dcm", "CT_small.dcm", "SC_rgb_small_odd.dcm", "rgb", "rgb-planar", "mono8", "signed12", "mono12u"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Encode_Lossless_DecodesPixelExactWithOursAndGdcm(string input)
    {
        var native = Input(input);
        var original = Frame(input == "rgb-planar" ? Input("rgb") : native);
        var info = DecodedInfo(native);
        var encoded = WriteEncoded(native, new Jpeg2000Codec(), Lossless, Path.Combine(dir, "ours.dcm"));

        AssertPixelsEqual(original, Frame(encoded), $"{input}: our decode of our encode");

        var gdcm = Path.Combine(dir, "gdcm.dcm");
        PeerTools.RunChecked("gdcmconv", "--raw", encoded, gdcm);
        JpegLsDecodeTests.AssertSamplesEqual(original, Frame(gdcm), info, $"{input}: gdcmconv decode of our encode");
    }

    [Theory]
    [InlineData("rgb", "YBR_RCT", 1)]
    [InlineData("rgb-planar", "YBR_RCT", 1)]
    [InlineData("MR_small.dcm", "MONOCHROME2", 0)]
    public void Encode_Lossless_WritesReversibleJ2kCodestreamAndPhotometric(string input, string photometric, int mct)
    {
        using var file = DicomFile.Open(Input(input));
        var pixels = DicomPixelData.Create(file);
        var (bytes, info) = new Jpeg2000Codec().Encode(pixels.GetFrame(0), pixels.Info);

        Assert.Equal(photometric, info.PhotometricInterpretation);
        Assert.Equal(0, info.PlanarConfiguration);
        Assert.True(bytes.Length % 2 == 0);
        Assert.Equal([0xFF, 0x4F, 0xFF, 0x51], bytes[..4]); // a bare codestream: SOC then SIZ, no JP2 boxes
        var cod = Cod(bytes);
        Assert.Equal(1, cod.Layers);
        Assert.Equal(mct, cod.Mct);
        Assert.Equal(1, cod.Transform); // 1 = reversible 5/3 (ISO/IEC 15444-1 Table A.20)
    }

    [Fact]
    public void Encode_RgbWithRct_DicomFileDecodesToRgb()
    {
        var encoded = WriteEncoded(Input("rgb"), new Jpeg2000Codec(), Lossless, Path.Combine(dir, "rct.dcm"));
        using var file = DicomFile.Open(encoded);
        Assert.Equal("YBR_RCT", file.Dataset.GetString(DicomTags.PhotometricInterpretation));
        Assert.Equal("RGB", DicomPixelData.Create(file).DecodedInfo.PhotometricInterpretation);
    }

    [Fact]
    public void Encode_YbrFull_KeepsPhotometricWithoutComponentTransform()
    {
        var rgb = Input("rgb");
        var info = DecodedInfo(rgb) with { PhotometricInterpretation = "YBR_FULL" };
        var (bytes, encodedInfo) = new Jpeg2000Codec().Encode(Frame(rgb), info);
        Assert.Equal("YBR_FULL", encodedInfo.PhotometricInterpretation);
        Assert.Equal(0, Cod(bytes).Mct);
        var destination = new byte[info.FrameLength];
        new Jpeg2000Codec().Decode(bytes, encodedInfo, destination);
        AssertPixelsEqual(Frame(rgb), destination, "YBR_FULL round trip");
    }

    [Fact]
    public void Registry_Default_HasBothNativeCodecs()
    {
        foreach (var uid in new[] { "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" })
            Assert.True(DicomCodecRegistry.Default.TryGet(uid, out _), uid);
    }

    [Fact]
    public void Encode_BitsAllocated32_ThrowsImagingException()
    {
        var info = new PixelDataInfo { Rows = 2, Columns = 2, BitsAllocated = 32, BitsStored = 32, HighBit = 31 };
        Assert.Throws<DicomImagingException>(() => new Jpeg2000Codec().Encode(new byte[16], info));
    }

    /// <summary>Reads the COD marker segment (ISO/IEC 15444-1 A.6.1) of the main header.</summary>
    private static (int Layers, int Mct, int Transform) Cod(byte[] codestream)
    {
        for (int i = 2; i + 13 < codestream.Length; i++)
        {
            if (codestream[i] != 0xFF || codestream[i + 1] != 0x52) continue;
            int sgcod = i + 5; // marker(2) Lcod(2) Scod(1)
            int layers = codestream[sgcod + 1] << 8 | codestream[sgcod + 2];
            int mct = codestream[sgcod + 3];
            int transform = codestream[sgcod + 8]; // levels, xcb, ycb, style, transform
            return (layers, mct, transform);
        }
        throw new Xunit.Sdk.XunitException("no COD marker");
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
