using System.Diagnostics;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Imaging;

/// <summary>Segmented Palette Color LUTs (PS3.3 C.7.9.2). dcmtk does not support them, so pydicom's apply_color_lut is the peer.</summary>
public class SegmentedPaletteTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void Expand_DiscreteLinearIndirect_HandComputed()
    {
        // discrete [10, 20]; linear 3 to 50 → 30, 40, 50; indirect 1 segment at word 0 → 10, 20.
        ushort[] words = [0, 2, 10, 20, 1, 3, 50, 2, 1, 0, 0];
        var bytes = new byte[words.Length * 2];
        for (int i = 0; i < words.Length; i++) (bytes[2 * i], bytes[2 * i + 1]) = ((byte)words[i], (byte)(words[i] >> 8));
        Assert.Equal([10, 20, 30, 40, 50, 10, 20], SegmentedLut.Expand(bytes, 7));
    }

    [Fact]
    public void Expand_UnknownOpcode_Throws()
    {
        var ex = Assert.Throws<DicomImagingException>(() => SegmentedLut.Expand([7, 0, 1, 0, 0, 0], 1));
        Assert.Contains("opcode 7", ex.Message);
    }

    [Fact]
    public void Expand_IndirectPointingForward_Throws() =>
        Assert.Throws<DicomImagingException>(() => SegmentedLut.Expand([2, 0, 1, 0, 9, 0, 0, 0], 4));

    [Fact]
    public void Render_SegmentedPalette_MatchesPydicom()
    {
        if (!File.Exists(Python)) throw new InvalidOperationException($"{Python} (with pydicom) is the peer for segmented palettes and is missing");
        var path = Path.Combine(TestFiles.Root, "rendering", "palette_segmented.dcm");
        var rawPath = Path.Combine(TestFiles.NewTempDir(), "pydicom.rgb16");
        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, pydicom; from pydicom.pixel_data_handlers.util import apply_color_lut as a; "
            + "d = pydicom.dcmread(sys.argv[1]); open(sys.argv[2], 'wb').write(a(d.pixel_array, d).astype('<u2').tobytes())");
        psi.ArgumentList.Add(path);
        psi.ArgumentList.Add(rawPath);
        using (var p = Process.Start(psi)!)
        {
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"pydicom failed: {err}");
        }
        var expected = File.ReadAllBytes(rawPath);

        using var file = DicomFile.Open(path);
        var image = DicomRenderer.Render(file, new RenderOptions { Bits = 16 });
        Assert.Equal(expected.Length, image.Pixels.Length);
        int maxDiff = 0;
        for (int i = 0; i < expected.Length; i += 2)
            maxDiff = Math.Max(maxDiff, Math.Abs((expected[i] | expected[i + 1] << 8) - (image.Pixels[i] | image.Pixels[i + 1] << 8)));
        // Linear segments are interpolated; pydicom and Enamel may round the interpolated entry differently by one.
        Assert.InRange(maxDiff, 0, 1);
    }
}
