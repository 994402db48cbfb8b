using Enamel.Dicom.Codecs;
using Enamel.Dicom.Imaging;
using FsCheck;
using FsCheck.Xunit;

namespace Enamel.Dicom.Tests.Codecs;

public class JpegLosslessEncoderTests
{
    private static readonly IFrameCodec Codec = DicomCodecRegistry.Default.Get(DicomTransferSyntax.JpegLosslessSV1);

    [Property(MaxTest = 200)]
    public bool EncodeDecode_RandomImage_RoundTrips(byte[] data, PositiveInt rowsSeed, PositiveInt columnsSeed, NonNegativeInt layoutSeed, PositiveInt runSeed)
    {
        int bits = layoutSeed.Get % 2 == 0 ? 8 : 16;
        int stored = bits == 8 ? 8 : 10 + layoutSeed.Get / 4 % 7;   // 10..16
        bool signed = bits == 16 && layoutSeed.Get / 2 % 2 == 1;
        var info = new PixelDataInfo
        {
            Rows = 1 + rowsSeed.Get % 9, Columns = 1 + columnsSeed.Get % 40, SamplesPerPixel = layoutSeed.Get / 28 % 2 == 0 ? 1 : 3,
            BitsAllocated = bits, BitsStored = stored, HighBit = stored - 1, PixelRepresentation = signed ? 1 : 0,
        };
        info = info with { PhotometricInterpretation = info.SamplesPerPixel == 3 ? "RGB" : "MONOCHROME2" };
        int run = 1 + runSeed.Get % 4;
        var frame = new byte[info.FrameLength];
        for (int i = 0; i < frame.Length / info.BytesPerSample; i++)
        {
            int raw = data is { Length: > 0 } ? data[i / run % data.Length] * 257 + i / run : 0;
            int v = raw & ((1 << stored) - 1);
            if (signed && (v & 1 << (stored - 1)) != 0) v -= 1 << stored;   // sign-extended, as stored natively
            if (bits == 8) frame[i] = (byte)v;
            else { frame[2 * i] = (byte)v; frame[2 * i + 1] = (byte)(v >> 8); }
        }
        var (encoded, encodedInfo) = Codec.Encode(frame, info);
        var decoded = new byte[Codec.DecodedInfo(encodedInfo).FrameLength];
        Codec.Decode(encoded, encodedInfo, decoded);
        return decoded.AsSpan().SequenceEqual(frame);
    }
}
