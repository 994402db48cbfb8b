using Enamel.Dicom.Imaging;
using SkiaSharp;
using Xunit.Abstractions;

namespace Enamel.Dicom.Tests.Imaging;

/// <summary>
/// Renders each sample with Enamel (to PNG, decoded back with SkiaSharp) and with dcmtk's dcm2pnm, and compares pixel
/// by pixel. Tolerances: greyscale and palette/RGB 1 level (dcmtk truncates the scaled output, Enamel rounds it to
/// nearest); YCbCr 2 levels (dcmtk converts with integer fixed-point coefficients, Enamel in floating point).
/// </summary>
public class Dcm2PnmInteropTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, int>();
        string[] grey =
        [
            "samples/MR_small.dcm", "samples/CT_small.dcm", "samples/MR_small_bigendian.dcm", "samples/liver_1frame.dcm",
            "rendering/mono1_12bit.dcm", "rendering/signed_shifted.dcm", "rendering/signed8.dcm", "rendering/mono32.dcm",
            "rendering/multiframe.dcm", "rendering/sigmoid.dcm", "rendering/modality_lut.dcm", "rendering/voi_lut.dcm",
        ];
        foreach (var f in grey)
        {
            data.Add(f, "+Wm", "minmax", 1);
            data.Add(f, "+Ww 1000 3000", "window 1000 3000", 1);
            // dcm2pnm -W maps 1-bit images to 0/128; Enamel uses the full output range (0/255) — a documented difference.
            if (!f.Contains("liver")) data.Add(f, "-W", "none", 1);
        }
        data.Add("samples/MR_small.dcm", "+Wi 1", "auto", 1);
        data.Add("samples/MR_small_bigendian.dcm", "+Wi 1", "auto", 1);
        data.Add("samples/CT_small.dcm", "+Ww 40 400", "window 40 400", 1);
        data.Add("samples/CT_small.dcm", "+Wm", "auto", 1);                  // no window in the file: min-max
        data.Add("rendering/mono1_12bit.dcm", "+Wi 1", "auto", 1);
        data.Add("rendering/mono1_12bit.dcm", "+Wi 2", "index 1", 1);
        data.Add("rendering/signed_shifted.dcm", "+Wi 1", "auto", 1);
        data.Add("rendering/multiframe.dcm", "+Wi 1 +F 2", "frame 1", 1);
        data.Add("rendering/multiframe.dcm", "+Wi 1 +F 3", "frame 2", 1);
        data.Add("rendering/sigmoid.dcm", "+Wi 1", "auto", 1);
        data.Add("rendering/sigmoid.dcm", "+Wfs +Ww 100 500", "sigmoid 100 500", 1);
        data.Add("rendering/sigmoid.dcm", "+Wfl +Wi 1", "linear", 1);
        data.Add("rendering/voi_lut.dcm", "+Wl 1", "auto", 1);
        data.Add("rendering/modality_lut.dcm", "+Ww 30000 40000", "window 30000 40000", 1);
        foreach (var f in new[] { "rendering/palette.dcm", "rendering/rgb.dcm", "rendering/rgb_planar.dcm", "samples/ExplVR_BigEnd.dcm", "samples/SC_rgb_small_odd.dcm" })
            data.Add(f, "", "auto", 1);
        foreach (var f in new[] { "rendering/ybr_full.dcm", "rendering/ybr_full_422.dcm", "rendering/ybr_partial_422.dcm" })
            data.Add(f, "", "auto", 2);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_MatchesDcm2Pnm(string file, string dcmtkOptions, string ours, int tolerance)
    {
        var path = Path.Combine(TestFiles.Root, file);
        var peer = Dcm2PnmPeer.Render(path, dcmtkOptions.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        using var dicom = DicomFile.Open(path);
        var image = DicomRenderer.Render(dicom, Options(ours));
        var png = new MemoryStream();
        image.Save(png, ImageFormat.Png);
        using var decoded = SKBitmap.Decode(png.ToArray());

        Assert.Equal((peer.Width, peer.Height, peer.Channels), (decoded.Width, decoded.Height, image.Channels));
        int maxDiff = 0, differing = 0;
        for (int y = 0; y < peer.Height; y++)
            for (int x = 0; x < peer.Width; x++)
            {
                var c = decoded.GetPixel(x, y);
                Span<int> mine = [c.Red, c.Green, c.Blue];
                for (int ch = 0; ch < peer.Channels; ch++)
                {
                    int d = Math.Abs(mine[ch] - peer.Samples[(y * peer.Width + x) * peer.Channels + ch]);
                    if (d > 0) differing++;
                    maxDiff = Math.Max(maxDiff, d);
                }
            }
        output.WriteLine($"{file} [{dcmtkOptions}]: max |difference| {maxDiff}, {differing} of {peer.Samples.Length} samples differ");
        Assert.True(maxDiff <= tolerance, $"{file} [{dcmtkOptions}] vs [{ours}]: max difference {maxDiff} > {tolerance} ({differing} samples differ)");
    }

    private static RenderOptions Options(string text)
    {
        var t = text.Split(' ');
        return t[0] switch
        {
            "minmax" => new RenderOptions { Voi = VoiMode.MinMax },
            "none" => new RenderOptions { Voi = VoiMode.None },
            "window" => new RenderOptions { Voi = VoiMode.Window, WindowCenter = double.Parse(t[1]), WindowWidth = double.Parse(t[2]) },
            "sigmoid" => new RenderOptions { Voi = VoiMode.Window, WindowCenter = double.Parse(t[1]), WindowWidth = double.Parse(t[2]), Function = VoiLutFunction.Sigmoid },
            "linear" => new RenderOptions { Function = VoiLutFunction.Linear },
            "index" => new RenderOptions { VoiIndex = int.Parse(t[1]) },
            "frame" => new RenderOptions { Frame = int.Parse(t[1]) },
            _ => RenderOptions.Default,
        };
    }
}
