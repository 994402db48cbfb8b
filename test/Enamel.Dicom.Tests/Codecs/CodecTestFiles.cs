using System.Buffers.Binary;
using Enamel.Dicom.Codecs;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Codecs;

/// <summary>Builds native and encapsulated test files and compares decoded frames, for the native-library codec tests.</summary>
internal static class CodecTestFiles
{
    public static byte[] Frame(string path, int index = 0)
    {
        using var file = DicomFile.Open(path);
        return DicomPixelData.Create(file).GetFrame(index);
    }

    public static PixelDataInfo DecodedInfo(string path)
    {
        using var file = DicomFile.Open(path);
        return DicomPixelData.Create(file).DecodedInfo;
    }

    /// <summary>Writes a native Explicit VR Little Endian copy of <paramref name="templatePath"/> with other pixels.</summary>
    public static string WriteNative(string templatePath, PixelDataInfo info, byte[] pixels, string outPath)
    {
        using var template = DicomFile.Open(templatePath);
        var ds = template.Dataset.Clone();
        ds.Remove(DicomTags.PixelData);
        info.WriteTo(ds);
        if (info.SamplesPerPixel == 1) ds.Remove(DicomTags.PlanarConfiguration);
        ds.SetBytes(DicomTags.PixelData, info.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixels);
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(outPath);
        return outPath;
    }

    /// <summary>Encodes every frame of a native file with <paramref name="codec"/> and writes it encapsulated (empty Basic Offset Table).</summary>
    public static string WriteEncoded(string nativePath, IFrameCodec codec, string transferSyntaxUid, string outPath)
    {
        using var source = DicomFile.Open(nativePath);
        var pixels = DicomPixelData.Create(source);
        var fragments = new List<byte[]>();
        PixelDataInfo? encodedInfo = null;
        for (int i = 0; i < pixels.NumberOfFrames; i++)
        {
            var (bytes, info) = codec.Encode(pixels.GetFrame(i), pixels.Info);
            fragments.Add(bytes);
            encodedInfo = info;
        }
        return WriteEncapsulated(source.Dataset, fragments, encodedInfo!, transferSyntaxUid, outPath);
    }

    public static string WriteEncapsulated(DicomDataset dataset, IReadOnlyList<byte[]> fragments, PixelDataInfo info, string transferSyntaxUid, string outPath)
    {
        var ds = dataset.Clone();
        ds.Remove(DicomTags.PixelData);
        info.WriteTo(ds);
        var sequence = new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB);
        foreach (var f in fragments)
        {
            Assert.True(f.Length % 2 == 0, $"fragment length {f.Length} is odd");
            sequence.Fragments.Add(DicomValue.FromBytes(f));
        }
        ds.Set(sequence);
        DicomFile.Create(ds, DicomTransferSyntax.FromUid(transferSyntaxUid)).Save(outPath);
        return outPath;
    }

    /// <summary>An 8-bit RGB sample of useful size: SC_rgb_rle.dcm decompressed by dcmdrle.</summary>
    public static string RgbNative(string dir, int planarConfiguration = 0)
    {
        var path = Path.Combine(dir, "rgb.dcm");
        if (!File.Exists(path)) Peers.PeerTools.RunChecked("dcmdrle", TestFiles.Sample("SC_rgb_rle.dcm"), path);
        if (planarConfiguration == 0) return path;
        var info = DecodedInfo(path);
        var interleaved = Frame(path);
        var planar = new byte[interleaved.Length];
        int pixels = info.Rows * info.Columns;
        for (int p = 0; p < pixels; p++)
            for (int c = 0; c < 3; c++)
                planar[c * pixels + p] = interleaved[p * 3 + c];
        return WriteNative(path, info with { PlanarConfiguration = 1 }, planar, Path.Combine(dir, "rgb-planar.dcm"));
    }

    /// <summary>A synthetic 12-bit signed image (Bits Allocated 16) with sign-extended samples across the whole range.</summary>
    public static string Signed12Native(string dir)
    {
        var info = new PixelDataInfo { Rows = 48, Columns = 40, BitsAllocated = 16, BitsStored = 12, HighBit = 11, PixelRepresentation = 1 };
        var pixels = new byte[info.FrameLength];
        for (int i = 0; i < info.Rows * info.Columns; i++)
        {
            short value = (short)(((i * 37) % 4096) - 2048);
            BinaryPrimitives.WriteInt16LittleEndian(pixels.AsSpan(i * 2), value);
        }
        return WriteNative(TestFiles.Sample("MR_small.dcm"), info, pixels, Path.Combine(dir, "signed12.dcm"));
    }

    /// <summary>A synthetic 12-bit unsigned image (Bits Allocated 16), a smooth ramp with texture.</summary>
    public static string Unsigned12Native(string dir)
    {
        var info = new PixelDataInfo { Rows = 50, Columns = 64, BitsAllocated = 16, BitsStored = 12, HighBit = 11 };
        var pixels = new byte[info.FrameLength];
        for (int i = 0; i < info.Rows * info.Columns; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(i * 2), (ushort)((i * 13 + (i % 7) * 90) % 4096));
        return WriteNative(TestFiles.Sample("MR_small.dcm"), info, pixels, Path.Combine(dir, "unsigned12.dcm"));
    }

    /// <summary>A synthetic 8-bit MONOCHROME2 image.</summary>
    public static string Mono8Native(string dir)
    {
        var info = new PixelDataInfo { Rows = 33, Columns = 47, BitsAllocated = 8, BitsStored = 8, HighBit = 7 };
        var pixels = new byte[info.FrameLength];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 + i / 47);
        return WriteNative(TestFiles.Sample("MR_small.dcm"), info, pixels, Path.Combine(dir, "mono8.dcm"));
    }

    /// <summary>Samples as integers (sign by Pixel Representation), masked to Bits Stored when asked.</summary>
    public static int[] Samples(byte[] frame, PixelDataInfo info, bool maskToBitsStored = false)
    {
        int count = frame.Length / info.BytesPerSample;
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            int v = info.BytesPerSample == 1
                ? (info.IsSigned ? (sbyte)frame[i] : frame[i])
                : (info.IsSigned ? BinaryPrimitives.ReadInt16LittleEndian(frame.AsSpan(i * 2)) : BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(i * 2)));
            if (maskToBitsStored) v &= (1 << info.BitsStored) - 1;
            result[i] = v;
        }
        return result;
    }

    public static void AssertPixelsEqual(byte[] expected, byte[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} bytes, expected {expected.Length}");
        int at = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(at == expected.Length, $"{what}: first difference at byte {at} (expected {(at < expected.Length ? expected[at] : 0)}, got {(at < actual.Length ? actual[at] : 0)})");
    }

    public static int MaxDifference(byte[] expected, byte[] actual, PixelDataInfo info)
    {
        Assert.Equal(expected.Length, actual.Length);
        var a = Samples(expected, info);
        var b = Samples(actual, info);
        int max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
