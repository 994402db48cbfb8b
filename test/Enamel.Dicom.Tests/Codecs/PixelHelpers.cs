using Enamel.Dicom.Imaging;
using Enamel.Dicom.Tests.Peers;

namespace Enamel.Dicom.Tests.Codecs;

/// <summary>Frame access and peer comparisons shared by the codec tests.</summary>
internal static class PixelHelpers
{
    public static byte[] AllFrames(string path)
    {
        using var file = DicomFile.Open(path);
        return AllFrames(file);
    }

    public static byte[] AllFrames(DicomFile file)
    {
        var pixels = DicomPixelData.Create(file);
        var all = new MemoryStream();
        for (int i = 0; i < pixels.NumberOfFrames; i++) all.Write(pixels.GetFrame(i));
        return all.ToArray();
    }

    /// <summary>Runs a dcmtk tool from <paramref name="input"/> to a new file in <paramref name="dir"/>; returns its path.</summary>
    public static string Dcmtk(string dir, string tool, string input, params string[] options)
    {
        var output = Path.Combine(dir, $"{tool}-{Path.GetFileNameWithoutExtension(input)}-{string.Join("", options).Replace("+", "p").Replace("-", "m")}.dcm");
        PeerTools.Run(tool, [.. options, input, output]).EnsureSuccess($"{tool} {string.Join(' ', options)} {Path.GetFileName(input)}");
        return output;
    }

    public static void AssertSameBytes(byte[] expected, byte[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} bytes, expected {expected.Length}");
        int first = expected.AsSpan().CommonPrefixLength(actual);
        Assert.True(first == expected.Length, $"{what}: first difference at byte {first}");
    }

    /// <summary>Largest absolute difference between two frames' samples as Bits Allocated and Pixel Representation read them.</summary>
    public static int MaxDifference(byte[] a, byte[] b, PixelDataInfo info)
    {
        Assert.Equal(a.Length, b.Length);
        int max = 0;
        if (info.BitsAllocated == 8)
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        else
            for (int i = 0; i + 1 < a.Length; i += 2)
            {
                int x = info.IsSigned ? BitConverter.ToInt16(a, i) : BitConverter.ToUInt16(a, i);
                int y = info.IsSigned ? BitConverter.ToInt16(b, i) : BitConverter.ToUInt16(b, i);
                max = Math.Max(max, Math.Abs(x - y));
            }
        return max;
    }
}
