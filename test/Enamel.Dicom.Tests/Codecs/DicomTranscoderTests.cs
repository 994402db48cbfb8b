using Enamel.Dicom.Codecs;
using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;

namespace Enamel.Dicom.Tests.Codecs;

public class DicomTranscoderTests
{
    public static TheoryData<string, string> NativeSyntaxes() => new()
    {
        { "MR_small.dcm", "+ti" }, { "MR_small.dcm", "+te" }, { "MR_small.dcm", "+tb" }, { "MR_small.dcm", "+td" },
        { "CT_small.dcm", "+tb" }, { "SC_rgb_small_odd.dcm", "+tb" }, { "SC_rgb_small_odd.dcm", "+td" },
    };

    [Theory]
    [MemberData(nameof(NativeSyntaxes))]
    public void Read_DcmconvOutput_SamePixelsAsOriginal(string sample, string option)
    {
        var converted = PixelHelpers.Dcmtk(TestFiles.NewTempDir(), "dcmconv", TestFiles.Sample(sample), option);
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(TestFiles.Sample(sample)), PixelHelpers.AllFrames(converted), $"{sample} dcmconv {option}");
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("CT_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("MR_small_RLE.dcm")]
    [InlineData("SC_rgb_rle.dcm")]
    public void Transcode_EveryNativeSyntax_DcmtkAndPydicomReadSamePixels(string sample)
    {
        var dir = TestFiles.NewTempDir();
        var expected = PixelHelpers.AllFrames(TestFiles.Sample(sample));
        foreach (var target in new[] { DicomTransferSyntax.ImplicitVRLittleEndian, DicomTransferSyntax.ExplicitVRLittleEndian,
                     DicomTransferSyntax.ExplicitVRBigEndian, DicomTransferSyntax.DeflatedExplicitVRLittleEndian })
        {
            var output = Path.Combine(dir, $"{target.Uid}.dcm");
            Save(TestFiles.Sample(sample), target, output);
            int bitsAllocated;
            using (var again = DicomFile.Open(output))
            {
                bitsAllocated = again.Dataset.GetInt32(DicomTags.BitsAllocated);
                Assert.Equal(target, again.TransferSyntax);
                PixelHelpers.AssertSameBytes(expected, PixelHelpers.AllFrames(again), $"{sample} -> {target.Name}");
            }
            PeerTools.Run("dcmdump", "-q", output).EnsureSuccess($"dcmdump of {sample} as {target.Name}");
            var explicitLe = PixelHelpers.Dcmtk(dir, "dcmconv", output, "+te");
            PixelHelpers.AssertSameBytes(expected, PixelHelpers.AllFrames(explicitLe), $"{sample} -> {target.Name} -> dcmconv +te");
            // pydicom reads 8-bit samples in an OW element of a big-endian file unswapped; dcmtk (checked above) swaps
            // the 16-bit words as PS3.5 7.3 says, so pydicom is only a peer here for 16-bit samples.
            if (target.IsBigEndian && bitsAllocated == 8) continue;
            Assert.Equal(PydicomPixelHash(TestFiles.Sample(sample)), PydicomPixelHash(output));
        }
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("CT_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("SC_rgb_rle.dcm")]
    [InlineData("JPGExtended.dcm")]
    public void Transcode_ToRle_DcmdrleAndPydicomDecodeIdentically(string sample)
    {
        var dir = TestFiles.NewTempDir();
        var rle = Path.Combine(dir, "ours-rle.dcm");
        Save(TestFiles.Sample(sample), DicomTransferSyntax.RleLossless, rle);
        var native = PixelHelpers.AllFrames(TestFiles.Sample(sample));   // JPGExtended: our decode, re-encoded losslessly
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(rle), $"{sample} -> RLE -> ours");
        var dcmtkDecoded = PixelHelpers.Dcmtk(dir, "dcmdrle", rle);
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(dcmtkDecoded), $"{sample} -> RLE -> dcmdrle");
        var explicitNative = Path.Combine(dir, "ours-native.dcm");
        Save(rle, DicomTransferSyntax.ExplicitVRLittleEndian, explicitNative);
        Assert.Equal(PydicomPixelHash(explicitNative), PydicomPixelHash(rle));
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("CT_small.dcm")]
    [InlineData("SC_rgb")]
    [InlineData("SC_rgb_small_odd.dcm")]
    [InlineData("JPGExtended.dcm")]
    public void Transcode_ToJpegLossless_DcmdjpegAndGdcmDecodeIdentically(string sample)
    {
        var dir = TestFiles.NewTempDir();
        var source = JpegCodecTests.Source(dir, sample);
        var native = PixelHelpers.AllFrames(source);
        var jpeg = Path.Combine(dir, "ours-jpeg.dcm");
        Save(source, DicomTransferSyntax.JpegLosslessSV1, jpeg);
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(jpeg), $"{sample} -> JPEG lossless -> ours");
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(PixelHelpers.Dcmtk(dir, "dcmdjpeg", jpeg)), $"{sample} -> JPEG lossless -> dcmdjpeg");
        var gdcm = Path.Combine(dir, "gdcm-raw.dcm");
        PeerTools.Run("gdcmconv", "--raw", jpeg, gdcm).EnsureSuccess("gdcmconv --raw");
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(gdcm), $"{sample} -> JPEG lossless -> gdcmconv --raw");
    }

    [Theory]
    [InlineData("SC_rgb", "YBR_FULL")]
    [InlineData("MR_small 8-bit", "MONOCHROME2")]
    public void Transcode_ToJpegBaseline_DcmdjpegDecodesCloseToOursAndOriginal(string sample, string photometric)
    {
        var dir = TestFiles.NewTempDir();
        var source = sample == "MR_small 8-bit"
            ? PixelHelpers.Dcmtk(dir, "dcmdjpeg", PixelHelpers.Dcmtk(dir, "dcmcjpeg", TestFiles.Sample("MR_small.dcm"), "+eb"))
            : JpegCodecTests.Source(dir, sample);
        var jpeg = Path.Combine(dir, "ours-baseline.dcm");
        Save(source, DicomTransferSyntax.JpegBaseline, jpeg);
        using (var file = DicomFile.Open(jpeg))
        {
            Assert.Equal(photometric, file.Dataset.GetString(DicomTags.PhotometricInterpretation));
            Assert.Equal("01", file.Dataset.GetString(DicomTags.LossyImageCompression));
            Assert.Equal("ISO_10918_1", file.Dataset.GetStrings(DicomTags.LossyImageCompressionMethod).Last());
            Assert.True(file.Dataset.GetDouble(DicomTags.LossyImageCompressionRatio) > 1);
        }
        var dcmtk = PixelHelpers.Dcmtk(dir, "dcmdjpeg", jpeg);
        PixelDataInfo info;
        using (var decoded = DicomFile.Open(dcmtk)) info = DicomPixelData.Create(decoded).Info;
        var ours = PixelHelpers.AllFrames(jpeg);
        Assert.True(PixelHelpers.MaxDifference(PixelHelpers.AllFrames(dcmtk), ours, info) <= 2, "ours vs dcmdjpeg");
        int fromOriginal = PixelHelpers.MaxDifference(PixelHelpers.AllFrames(source), ours, info);
        Assert.True(fromOriginal <= 24, $"quality 90 baseline differs from the original by up to {fromOriginal}");
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(8, 3)]
    [InlineData(16, 1)]
    [InlineData(16, 3)]
    [InlineData(32, 1)]
    [InlineData(32, 3)]
    public void Rle_EveryBitDepth_InteroperatesWithDcmtkAndPydicom(int bits, int samples)
    {
        var dir = TestFiles.NewTempDir();
        var source = Path.Combine(dir, "native.dcm");
        var native = SyntheticMultiFrame(source, frames: 2, rows: 5, columns: 11, bits, samples).SelectMany(f => f).ToArray();
        var ours = Path.Combine(dir, "ours-rle.dcm");
        Save(source, DicomTransferSyntax.RleLossless, ours);
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(PixelHelpers.Dcmtk(dir, "dcmdrle", ours)), "ours -> dcmdrle");
        Assert.Equal(PydicomPixelHash(source), PydicomPixelHash(ours));
        var theirs = PixelHelpers.Dcmtk(dir, "dcmcrle", source);
        PixelHelpers.AssertSameBytes(native, PixelHelpers.AllFrames(theirs), "dcmcrle -> ours");
    }

    [Fact]
    public void Transcode_MultiFrameToRle_WritesOffsetTableThatPeersUse()
    {
        var dir = TestFiles.NewTempDir();
        var source = Path.Combine(dir, "multi.dcm");
        var frames = SyntheticMultiFrame(source, frames: 3, rows: 7, columns: 5);
        var rle = Path.Combine(dir, "multi-rle.dcm");
        Save(source, DicomTransferSyntax.RleLossless, rle);

        using (var file = DicomFile.Open(rle))
        {
            var seq = Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTags.PixelData]);
            Assert.Equal(3, seq.Fragments.Count);
            var offsets = seq.ReadBasicOffsets();
            Assert.Equal(3, offsets.Length);
            Assert.Equal(0, offsets[0]);
            Assert.Equal(8 + seq.Fragments[0].Length, offsets[1]);
            var pixels = DicomPixelData.Create(file);
            for (int i = 0; i < 3; i++) PixelHelpers.AssertSameBytes(frames[i], pixels.GetFrame(i), $"frame {i}");
        }
        PixelHelpers.AssertSameBytes(frames.SelectMany(f => f).ToArray(), PixelHelpers.AllFrames(PixelHelpers.Dcmtk(dir, "dcmdrle", rle)), "dcmdrle");
        Assert.Equal(PydicomPixelHash(source), PydicomPixelHash(rle));
    }

    [Fact]
    public void Transcode_MultiFrameEncapsulatedUncompressed_RoundTripsFrameByFrame()
    {
        var dir = TestFiles.NewTempDir();
        var source = Path.Combine(dir, "multi.dcm");
        var frames = SyntheticMultiFrame(source, frames: 4, rows: 3, columns: 3);   // 18-byte frames
        var encapsulated = Path.Combine(dir, "encapsulated.dcm");
        Save(source, DicomTransferSyntax.EncapsulatedUncompressed, encapsulated);
        var back = Path.Combine(dir, "back.dcm");
        Save(encapsulated, DicomTransferSyntax.ImplicitVRLittleEndian, back);
        using var file = DicomFile.Open(encapsulated);
        Assert.Equal(4, Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTags.PixelData]).Fragments.Count);
        PixelHelpers.AssertSameBytes(frames.SelectMany(f => f).ToArray(), PixelHelpers.AllFrames(back), "native -> 1.2.840.10008.1.2.1.98 -> implicit");
        Assert.Equal(PydicomPixelHash(source), PydicomPixelHash(back));
    }

    [Fact]
    public void Decode_MultiFrameJpegInManyFragmentsWithoutOffsetTable_FindsFramesBySoi()
    {
        var dir = TestFiles.NewTempDir();
        var source = Path.Combine(dir, "multi.dcm");
        var frames = SyntheticMultiFrame(source, frames: 3, rows: 64, columns: 48);
        var jpeg = PixelHelpers.Dcmtk(dir, "dcmcjpeg", source, "+e1", "+fs", "1", "-ot");
        using var file = DicomFile.Open(jpeg);
        var seq = Assert.IsType<DicomFragmentSequence>(file.Dataset[DicomTags.PixelData]);
        Assert.True(seq.Fragments.Count > 3, $"dcmcjpeg made {seq.Fragments.Count} fragments; the test needs several per frame");
        Assert.Equal(0, seq.OffsetTable.Length);
        PixelHelpers.AssertSameBytes(frames.SelectMany(f => f).ToArray(), PixelHelpers.AllFrames(file), "fragmented multi-frame JPEG lossless");
    }

    [Fact]
    public void Transcode_JpegLosslessToRle_PixelExact()
    {
        var dir = TestFiles.NewTempDir();
        var jpeg = PixelHelpers.Dcmtk(dir, "dcmcjpeg", TestFiles.Sample("CT_small.dcm"), "+e1");
        var rle = Path.Combine(dir, "rle.dcm");
        Save(jpeg, DicomTransferSyntax.RleLossless, rle);
        PixelHelpers.AssertSameBytes(PixelHelpers.AllFrames(TestFiles.Sample("CT_small.dcm")), PixelHelpers.AllFrames(rle), "JPEG lossless -> RLE");
        using var file = DicomFile.Open(rle);
        Assert.Null(file.Dataset.GetString(DicomTags.LossyImageCompression));
    }

    [Fact]
    public void Transcode_LossyJpegToNative_FlagsLossyCompressionAndRgb()
    {
        using var file = DicomFile.Open(TestFiles.Sample("SC_rgb_jpeg_dcmtk.dcm"));
        var native = DicomTranscoder.Transcode(file, DicomTransferSyntax.ExplicitVRLittleEndian);
        Assert.Equal("01", native.Dataset.GetString(DicomTags.LossyImageCompression));
        Assert.Equal("RGB", native.Dataset.GetString(DicomTags.PhotometricInterpretation));
        Assert.IsType<DicomValueElement>(native.Dataset[DicomTags.PixelData]);
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian.Uid, native.Meta.GetString(DicomTags.TransferSyntaxUID));
    }

    [Fact]
    public void Transcode_NoCodecOrDecodeOnly_ThrowsImagingException()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small.dcm"));
        var none = Assert.Throws<DicomImagingException>(() => DicomTranscoder.Transcode(file, DicomTransferSyntax.RleLossless, new DicomCodecRegistry()));
        Assert.Contains("no codec", none.Message);
        var decodeOnly = Assert.Throws<DicomImagingException>(() => DicomTranscoder.Transcode(file, DicomTransferSyntax.JpegExtended));
        Assert.Contains("can only be decoded", decodeOnly.Message);
        var sixteenBit = Assert.Throws<DicomImagingException>(() => DicomTranscoder.Transcode(file, DicomTransferSyntax.JpegBaseline));
        Assert.Contains("only 8-bit", sixteenBit.Message);
    }

    [Fact]
    public void Transcode_NativeToNative_KeepsDatasetElements()
    {
        using var file = DicomFile.Open(TestFiles.Sample("CT_small.dcm"));
        var big = DicomTranscoder.Transcode(file, DicomTransferSyntax.ExplicitVRBigEndian);
        var ms = new MemoryStream();
        big.Save(ms);
        ms.Position = 0;
        using var again = DicomFile.Open(ms);
        DatasetAssert.Equal(file.Dataset, again.Dataset);
    }

    private static void Save(string input, DicomTransferSyntax target, string output)
    {
        using var file = DicomFile.Open(input);
        DicomTranscoder.Transcode(file, target).Save(output);
    }

    /// <summary>SHA-256 of pydicom's pixel_array (its own decoders: RLE via numpy), so layout and values are compared, not our bytes.</summary>
    private static string PydicomPixelHash(string path) =>
        PeerTools.Python($"import hashlib, pydicom; a = pydicom.dcmread({Quote(path)}).pixel_array; a = a.astype(a.dtype.newbyteorder('<')); print(a.shape, a.dtype, hashlib.sha256(a.tobytes()).hexdigest())")
            .EnsureSuccess($"pydicom pixel_array of {Path.GetFileName(path)}").StdOut.Trim();

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static byte[][] SyntheticMultiFrame(string path, int frames, int rows, int columns, int bits = 16, int samples = 1)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        ds.SetString(DicomTags.Modality, DicomVR.CS, "OT");
        int stored = bits == 16 ? 12 : bits;
        var info = new PixelDataInfo
        {
            Rows = rows, Columns = columns, BitsAllocated = bits, BitsStored = stored, HighBit = stored - 1, NumberOfFrames = frames,
            SamplesPerPixel = samples, PhotometricInterpretation = samples == 3 ? "RGB" : "MONOCHROME2",
        };
        info.WriteTo(ds);
        ds.SetString(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var all = new List<byte[]>();
        int bytes = bits / 8;
        for (int f = 0; f < frames; f++)
        {
            var frame = new byte[info.FrameLength];
            for (int i = 0; i < frame.Length / bytes; i++)
            {
                long v = i % 3 == 0 ? 100 * f : (i * 37L + f * 11) * 2654435761L;   // runs and noise
                if (stored < 32) v &= (1L << stored) - 1;
                for (int b = 0; b < bytes; b++) frame[i * bytes + b] = (byte)(v >> (8 * b));
            }
            all.Add(frame);
        }
        ds.SetBytes(DicomTags.PixelData, bits == 8 ? DicomVR.OB : DicomVR.OW, all.SelectMany(f => f).ToArray());
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
        return [.. all];
    }
}
