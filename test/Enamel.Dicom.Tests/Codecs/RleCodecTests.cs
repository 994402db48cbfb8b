using Enamel.Dicom.Codecs.Rle;
using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Enamel.Dicom.Tests.Codecs;

public class RleCodecTests
{
    private static readonly RleCodec Codec = new();

    private static PixelDataInfo Info(int rows, int columns, int samples, int bits, int planar = 0) => new()
    {
        Rows = rows, Columns = columns, SamplesPerPixel = samples, BitsAllocated = bits, BitsStored = bits, HighBit = bits - 1,
        PhotometricInterpretation = samples == 3 ? "RGB" : "MONOCHROME2", PlanarConfiguration = planar,
    };

    [Property(MaxTest = 200)]
    public bool EncodeDecode_RandomImage_RoundTrips(byte[] data, PositiveInt rowsSeed, PositiveInt columnsSeed, NonNegativeInt layoutSeed, PositiveInt runSeed)
    {
        int[] bits = [8, 16, 32];
        var info = Info(1 + rowsSeed.Get % 9, 1 + columnsSeed.Get % 140, layoutSeed.Get % 2 == 0 ? 1 : 3, bits[layoutSeed.Get / 2 % 3]);
        int run = 1 + runSeed.Get % 6;   // repeated bytes exercise replicate runs, random bytes literal runs
        var frame = new byte[info.FrameLength];
        for (int i = 0; i < frame.Length; i++) frame[i] = data is { Length: > 0 } ? data[i / run % data.Length] : (byte)0;

        var (encoded, encodedInfo) = Codec.Encode(frame, info);
        var decoded = new byte[Codec.DecodedInfo(encodedInfo).FrameLength];
        Codec.Decode(encoded, encodedInfo, decoded);
        return decoded.AsSpan().SequenceEqual(frame) && encoded.Length % 2 == 0;
    }

    [Fact]
    public void Encode_PlanarConfiguration1_DecodesColourByPixel()
    {
        var planar = new byte[] { 1, 2, 3, 4, 10, 20, 30, 40, 100, 101, 102, 103 };   // RRRR GGGG BBBB
        var (encoded, info) = Codec.Encode(planar, Info(2, 2, 3, 8, planar: 1));
        var decoded = new byte[12];
        Codec.Decode(encoded, info, decoded);
        Assert.Equal(new byte[] { 1, 10, 100, 2, 20, 101, 3, 30, 102, 4, 40, 103 }, decoded);
        Assert.Equal(0, Codec.DecodedInfo(info).PlanarConfiguration);
    }

    [Property(MaxTest = 300)]
    public bool Decode_ArbitraryBytes_ThrowsImagingExceptionOrDecodes(byte[] garbage, NonNegativeInt segmentsSeed)
    {
        var info = Info(4, 5, 1, 16);
        var data = new byte[64 + (garbage?.Length ?? 0)];
        data[0] = (byte)(segmentsSeed.Get % 3 == 0 ? 3 : 2);
        data[4] = 64;
        data[8] = (byte)Math.Min(255, 64 + segmentsSeed.Get % 40);
        garbage?.CopyTo(data, 64);
        try
        {
            Codec.Decode(data, info, new byte[info.FrameLength]);
            return true;
        }
        catch (DicomImagingException)
        {
            return true;
        }
    }

    [Theory]
    [InlineData(10, "shorter than the 64-byte header")]
    [InlineData(64, "segments")]
    public void Decode_Malformed_ThrowsWithReason(int length, string expected)
    {
        var data = new byte[length];
        var ex = Assert.Throws<DicomImagingException>(() => Codec.Decode(data, Info(2, 2, 1, 8), new byte[4]));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Decode_OffsetPastEnd_Throws()
    {
        var data = new byte[66];
        data[0] = 1;
        data[4] = 200;
        var ex = Assert.Throws<DicomImagingException>(() => Codec.Decode(data, Info(2, 2, 1, 8), new byte[4]));
        Assert.Contains("outside", ex.Message);
    }

    [Fact]
    public void Decode_SegmentTooShort_Throws()
    {
        var data = new byte[66];
        data[0] = 1;
        data[4] = 64;
        data[64] = 0xFD; data[65] = 7;   // 4 bytes of 7, plane needs 6
        var ex = Assert.Throws<DicomImagingException>(() => Codec.Decode(data, Info(2, 3, 1, 8), new byte[6]));
        Assert.Contains("decodes to 4 bytes", ex.Message);
    }

    [Fact]
    public void Decode_MrSmallRle_MatchesUncompressedOriginal()
    {
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(TestFiles.Sample("MR_small.dcm")),
            PixelHelpers.AllFrames(TestFiles.Sample("MR_small_RLE.dcm")), "MR_small_RLE");
    }

    [Fact]
    public void Decode_ScRgbRle_MatchesDcmdrle()
    {
        var dir = TestFiles.NewTempDir();
        var reference = PixelHelpers.Dcmtk(dir, "dcmdrle", TestFiles.Sample("SC_rgb_rle.dcm"));
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(reference), PixelHelpers.AllFrames(TestFiles.Sample("SC_rgb_rle.dcm")), "SC_rgb_rle");
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("CT_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    public void Decode_DcmcrleOutput_MatchesOriginalAndDcmdrle(string sample)
    {
        var dir = TestFiles.NewTempDir();
        var compressed = PixelHelpers.Dcmtk(dir, "dcmcrle", TestFiles.Sample(sample));
        var dcmtkDecoded = PixelHelpers.Dcmtk(dir, "dcmdrle", compressed);
        var ours = PixelHelpers.AllFrames(compressed);
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(TestFiles.Sample(sample)), ours, $"{sample} via dcmcrle vs original");
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(dcmtkDecoded), ours, $"{sample} via dcmcrle vs dcmdrle");
    }
}
