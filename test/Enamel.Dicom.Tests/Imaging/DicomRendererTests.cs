using BitMiracle.LibTiff.Classic;
using Enamel.Dicom.Imaging;
using SkiaSharp;

namespace Enamel.Dicom.Tests.Imaging;

public class DicomRendererTests
{
    // Stored 0, 100, 200, 300 with Rescale 2 / -100 → modality -100, 100, 300, 500; window 200/400 → ramp from 0.5 to 399.5.
    private static DicomFile WindowedImage(string photometric = "MONOCHROME2")
    {
        var file = SyntheticImage.Grey16(2, 2, [0, 100, 200, 300], photometric);
        file.Dataset.SetString(DicomTags.RescaleSlope, DicomVR.DS, "2");
        file.Dataset.SetString(DicomTags.RescaleIntercept, DicomVR.DS, "-100");
        file.Dataset.SetString(DicomTags.WindowCenter, DicomVR.DS, "200", "100");
        file.Dataset.SetString(DicomTags.WindowWidth, DicomVR.DS, "400", "2");
        return file;
    }

    [Fact]
    public void Render_RescaleThenFirstWindow_HandComputedGrey()
    {
        var image = DicomRenderer.Render(WindowedImage());
        // y = ((x - 199.5)/399 + 0.5) * 255, rounded: x=-100 → 0; x=100 → 63.91 → 64; x=300 → 191.73 → 192; x=500 → 255.
        Assert.Equal([0, 64, 192, 255], Samples(image));
    }

    [Fact]
    public void Render_Monochrome1_IsInverted()
    {
        var image = DicomRenderer.Render(WindowedImage("MONOCHROME1"));
        // (1 - 0.25063) * 255 = 191.09 → 191; (1 - 0.75188) * 255 = 63.27 → 63
        Assert.Equal([255, 191, 63, 0], Samples(image));
    }

    [Fact]
    public void Render_SecondWindowByIndex_IsUsed()
    {
        // Window 100/2: ramp from 99 to 100; x=100 → 1 on the ramp's top, below → 0.
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { VoiIndex = 1 });
        Assert.Equal([0, 255, 255, 255], Samples(image));
    }

    [Fact]
    public void Render_WindowIndexPastEnd_ThrowsNamingCount()
    {
        var ex = Assert.Throws<DicomImagingException>(() => DicomRenderer.Render(WindowedImage(), new RenderOptions { VoiIndex = 2 }));
        Assert.Contains("has 2 window(s)", ex.Message);
    }

    [Fact]
    public void Render_NoWindowInFile_UsesMinMax()
    {
        var image = DicomRenderer.Render(SyntheticImage.Grey16(1, 3, [1000, 1500, 2000]));
        Assert.Equal([0, 128, 255], Samples(image)); // 1500 is the ramp's middle: (1500 - 1500)/1000 + 0.5 = 0.5 → 127.5 → 128
    }

    [Fact]
    public void Render_FileWindowWidthZero_FallsBackToMinMax()
    {
        var file = SyntheticImage.Grey16(1, 3, [1000, 1500, 2000]);
        file.Dataset.SetString(DicomTags.WindowCenter, DicomVR.DS, "1500");
        file.Dataset.SetString(DicomTags.WindowWidth, DicomVR.DS, "0");
        Assert.Equal([0, 128, 255], Samples(DicomRenderer.Render(file)));
    }

    [Fact]
    public void Render_ExplicitWindowWidthZero_Throws() =>
        Assert.Throws<DicomImagingException>(() => DicomRenderer.Render(WindowedImage(),
            new RenderOptions { Voi = VoiMode.Window, WindowCenter = 0, WindowWidth = 0 }));

    [Fact]
    public void Render_ExplicitWindow_OverridesFile()
    {
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { Voi = VoiMode.Window, WindowCenter = 0.5, WindowWidth = 1000 });
        // x = -100 → (-100 - 0)/999 + 0.5 = 0.3999 → 101.97 → 102
        Assert.Equal(102, image.GetSample(0, 0));
    }

    [Fact]
    public void Render_SixteenBits_ScalesVoiOutputTo65535()
    {
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { Bits = 16 });
        Assert.Equal(16, image.Bits);
        // x = 100: ((100 - 199.5)/399 + 0.5) * 65535 = 16424.9 → 16425; x = 300: 0.75188 * 65535 = 49274.3 → 49274
        Assert.Equal([0, 16425, 49274, 65535], Samples(image));
    }

    [Fact]
    public void Render_SecondFrame_OnlyThatFrame()
    {
        var file = SyntheticImage.Grey16(1, 2, [0, 10, 20, 30], frames: 2);
        var image = DicomRenderer.Render(file, new RenderOptions { Frame = 1, Voi = VoiMode.Window, WindowCenter = 15.5, WindowWidth = 32 });
        Assert.Equal([Math.Round(((20 - 15) / 31.0 + 0.5) * 255), Math.Round(((30 - 15) / 31.0 + 0.5) * 255)], Samples(image).Select(v => (double)v));
    }

    [Fact]
    public void Render_EnhancedFunctionalGroups_PerFrameWindowAndSharedRescale()
    {
        var file = SyntheticImage.Grey16(1, 2, [0, 10, 0, 10], frames: 2);
        static DicomDataset Item(DicomTag sequence, DicomDataset content) => new([new DicomSequence(sequence, [content])]);
        var rescale = new DicomDataset();
        rescale.SetString(DicomTags.RescaleSlope, DicomVR.DS, "10");
        rescale.SetString(DicomTags.RescaleIntercept, DicomVR.DS, "0");
        file.Dataset.Set(new DicomSequence(DicomTags.SharedFunctionalGroupsSequence, [Item(DicomTags.PixelValueTransformationSequence, rescale)]));
        DicomDataset Window(string c, string w)
        {
            var voi = new DicomDataset();
            voi.SetString(DicomTags.WindowCenter, DicomVR.DS, c);
            voi.SetString(DicomTags.WindowWidth, DicomVR.DS, w);
            return Item(DicomTags.FrameVOILUTSequence, voi);
        }
        file.Dataset.Set(new DicomSequence(DicomTags.PerFrameFunctionalGroupsSequence, [Window("50.5", "100"), Window("0.5", "2")]));
        // Modality values 0 and 100. Frame 1: ramp 0..100 → 0, 255. Frame 2: ramp 0..1 → 0 maps to (0 - 0)/1 + 0.5 = 128, 100 → 255.
        Assert.Equal([0, 255], Samples(DicomRenderer.Render(file, new RenderOptions { Frame = 0 })));
        Assert.Equal([128, 255], Samples(DicomRenderer.Render(file, new RenderOptions { Frame = 1 })));
    }

    [Fact]
    public void Render_FrameOutOfRange_Throws()
    {
        var ex = Assert.Throws<DicomImagingException>(() => DicomRenderer.Render(WindowedImage(), new RenderOptions { Frame = 1 }));
        Assert.Contains("1 frame(s)", ex.Message);
    }

    [Fact]
    public void Render_CompressedWithoutCodec_ThrowsImagingException()
    {
        using var file = DicomFile.Open(TestFiles.Sample("JPEG2000.dcm"));
        var pixel = DicomPixelData.Create(file, new Enamel.Dicom.Codecs.DicomCodecRegistry());
        var ex = Assert.Throws<DicomImagingException>(() => DicomRenderer.Render(pixel, file.Dataset, RenderOptions.Default));
        Assert.Contains("no codec", ex.Message);
    }

    [Fact]
    public void Render_YbrFull_ConvertedToRgb()
    {
        var image = DicomRenderer.Render(SyntheticImage.Rgb8(1, 2, [128, 128, 128, 76, 85, 255], "YBR_FULL"));
        Assert.Equal([128, 128, 128, 254, 0, 0], Samples(image));
    }

    [Fact]
    public void Render_Thumbnail_KeepsAspectRatio()
    {
        using var file = DicomFile.Open(TestFiles.Sample("ExplVR_BigEnd.dcm"));  // 80 x 60
        var image = DicomRenderer.Render(file, new RenderOptions { Thumbnail = 40 });
        Assert.Equal((40, 30, 3), (image.Width, image.Height, image.Channels));
    }

    [Theory]
    [InlineData(64, 64, 64, 48)]    // width is the tighter side
    [InlineData(200, 30, 40, 30)]   // height is the tighter side
    [InlineData(160, 120, 160, 120)] // the same ratio: fills the box
    public void Render_FitBox_KeepsAspectRatioWithinMaxima(int boxW, int boxH, int w, int h)
    {
        using var file = DicomFile.Open(TestFiles.Sample("ExplVR_BigEnd.dcm"));  // 80 x 60
        var image = DicomRenderer.Render(file, new RenderOptions { Width = boxW, Height = boxH, Fit = true });
        Assert.Equal((w, h), (image.Width, image.Height));
    }

    [Fact]
    public void Render_SizeWidthOnly_ComputesHeight()
    {
        using var file = DicomFile.Open(TestFiles.Sample("CT_small.dcm"));
        var image = DicomRenderer.Render(file, new RenderOptions { Width = 256, Bits = 16 });
        Assert.Equal((256, 256, 16), (image.Width, image.Height, image.Bits));
    }

    [Fact]
    public void Resize_UniformImage_StaysUniform()
    {
        var image = DicomRenderer.Render(SyntheticImage.Grey16(8, 8, Enumerable.Repeat((ushort)7, 64).ToArray()),
            new RenderOptions { Voi = VoiMode.Window, WindowCenter = 7.5, WindowWidth = 2, Thumbnail = 3 });
        // Window 7.5/2 puts 7 on the ramp's middle: (7 - 7)/1 + 0.5 = 0.5 → 128, and filtering a uniform image keeps it.
        Assert.All(Samples(image), v => Assert.Equal(128, v));
    }

    [Theory]
    [InlineData("CT_small.dcm")]
    [InlineData("ExplVR_BigEnd.dcm")]
    public void Save_Png_DecodesToSamePixels(string name)
    {
        using var file = DicomFile.Open(TestFiles.Sample(name));
        var image = DicomRenderer.Render(file);
        var ms = new MemoryStream();
        image.Save(ms, ImageFormat.Png);
        using var decoded = SKBitmap.Decode(ms.ToArray());
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var c = decoded.GetPixel(x, y);
                var expected = image.Channels == 1
                    ? (image.GetSample(x, y), image.GetSample(x, y), image.GetSample(x, y))
                    : (image.GetSample(x, y, 0), image.GetSample(x, y, 1), image.GetSample(x, y, 2));
                Assert.Equal(expected, (c.Red, c.Green, c.Blue));
            }
    }

    [Fact]
    public void Save_Png16_IsValidPngWithBigEndianSamples()
    {
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { Bits = 16 });
        var ms = new MemoryStream();
        image.Save(ms, ImageFormat.Png);
        var png = ms.ToArray();
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
        Assert.Equal(16, png[24]);   // IHDR bit depth
        Assert.Equal(0, png[25]);    // colour type greyscale
        using var decoded = SKBitmap.Decode(png);
        Assert.NotNull(decoded);
        Assert.Equal((2, 2), (decoded.Width, decoded.Height));
        // Skia decodes 16-bit grey to 8 bits: 16425/257 ≈ 63.9.
        Assert.InRange(decoded.GetPixel(1, 0).Red, 63, 64);
    }

    [Fact]
    public void Save_Jpeg_IsDecodable()
    {
        using var file = DicomFile.Open(TestFiles.Sample("MR_small.dcm"));
        var ms = new MemoryStream();
        DicomRenderer.Render(file).Save(ms, ImageFormat.Jpeg, 95);
        using var decoded = SKBitmap.Decode(ms.ToArray());
        Assert.Equal((64, 64), (decoded.Width, decoded.Height));
    }

    [Theory]
    [InlineData("MR_small.dcm")]
    [InlineData("SC_rgb_small_odd.dcm")]
    public void Save_Jpeg_ThroughLibjpegTurbo_DecodesCloseToTheRenderedPixels(string sample)
    {
        Assert.True(TurboJpeg.Instance is not null, $"{TurboJpeg.FileName} is not installed: apt-get install {TurboJpeg.Package} (see .ci/run)");
        using var file = DicomFile.Open(TestFiles.Sample(sample));
        var image = DicomRenderer.Render(file);
        var ms = new MemoryStream();
        image.Save(ms, ImageFormat.Jpeg, 95);
        var bytes = ms.ToArray();
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
        using var decoded = SKBitmap.Decode(bytes);
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        double error = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                var c = decoded.GetPixel(x, y);
                int i = (y * image.Width + x) * image.Channels;
                error += image.Channels == 1 ? Math.Abs(c.Red - image.Pixels[i])
                    : (Math.Abs(c.Red - image.Pixels[i]) + Math.Abs(c.Green - image.Pixels[i + 1]) + Math.Abs(c.Blue - image.Pixels[i + 2])) / 3.0;
            }
        Assert.InRange(error / (image.Width * image.Height), 0, 3.0); // q95: a few levels at most on average
    }

    [Fact]
    public void Save_Jpeg16_Throws()
    {
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { Bits = 16 });
        Assert.Throws<DicomImagingException>(() => image.Save(new MemoryStream(), ImageFormat.Jpeg));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Save_Tiff_ReadsBackSameSamples(int bits)
    {
        var image = DicomRenderer.Render(WindowedImage(), new RenderOptions { Bits = bits });
        var ms = new MemoryStream();
        image.Save(ms, ImageFormat.Tiff);
        ms.Position = 0;
        using var tiff = Tiff.ClientOpen("in-memory", "r", ms, new TiffStream());
        Assert.Equal(bits, tiff.GetField(TiffTag.BITSPERSAMPLE)[0].ToInt());
        Assert.Equal(2, tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt());
        var row = new byte[tiff.ScanlineSize()];
        var samples = new List<int>();
        for (int y = 0; y < 2; y++)
        {
            tiff.ReadScanline(row, y);
            for (int x = 0; x < 2; x++) samples.Add(bits == 8 ? row[x] : row[2 * x] | row[2 * x + 1] << 8);
        }
        Assert.Equal(Samples(image), samples);
    }

    private static int[] Samples(RenderedImage image)
    {
        var r = new List<int>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                for (int c = 0; c < image.Channels; c++) r.Add(image.GetSample(x, y, c));
        return [.. r];
    }
}
