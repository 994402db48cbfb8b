using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Imaging;

/// <summary>YCbCr → RGB (PS3.3 C.7.6.3.1.2) and palette lookup (C.7.6.3.1.5) with hand-computed values.</summary>
public class ColorTests
{
    [Theory]
    [InlineData(128, 128, 128, 128, 128, 128)]   // neutral grey
    [InlineData(76, 85, 255, 254.05, 0.1, 0.0)] // pure red (255,0,0) forward-encoded and rounded: Y 76, Cb 85, Cr 255
    [InlineData(255, 128, 128, 255, 255, 255)]
    public void FromYbrFull_InvertsBt601(double y, double cb, double cr, double r, double g, double b)
    {
        var (R, G, B) = ColorConversion.FromYbrFull(y, cb, cr, 255);
        Assert.Equal(r, R, 0.6);
        Assert.Equal(g, G, 0.6);
        Assert.Equal(b, B, 0.6);
    }

    [Fact]
    public void FromYbrFull_HandComputed()
    {
        // R = Y + 1.402 (Cr-128); G = Y - 0.344136 (Cb-128) - 0.714136 (Cr-128); B = Y + 1.772 (Cb-128)
        var (r, g, b) = ColorConversion.FromYbrFull(100, 150, 90, 255);
        Assert.Equal(100 + 1.402 * -38, r, 9);
        Assert.Equal(100 - 0.344136 * 22 - 0.714136 * -38, g, 9);
        Assert.Equal(100 + 1.772 * 22, b, 9);
    }

    [Fact]
    public void FromYbrPartial_BlackAndWhiteAtNominalLimits()
    {
        var (r0, g0, b0) = ColorConversion.FromYbrPartial(16, 128, 128, 255);
        var (r1, g1, b1) = ColorConversion.FromYbrPartial(235, 128, 128, 255);
        Assert.Equal((0.0, 0.0, 0.0), (r0, g0, b0));
        Assert.Equal(255, r1, 9);
        Assert.Equal(255, g1, 9);
        Assert.Equal(255, b1, 9);
    }

    [Fact]
    public void FromYbrRct_InvertsReversibleTransform()
    {
        // Forward RCT of (R,G,B) = (200, 100, 50): Y = floor((200 + 2*100 + 50)/4) = 112, Cb = B-G = -50, Cr = R-G = 100 (offset by 128).
        var (r, g, b) = ColorConversion.FromYbrRct(112, 78, 228, 255);
        Assert.Equal((200.0, 100.0, 50.0), (r, g, b));
    }

    [Fact]
    public void PaletteLookup_ClampsOutsideTheTableAndNormalises()
    {
        var red = new LookupTable(10, 16, [0, 32768, 65535]);
        var green = new LookupTable(10, 8, [255, 128, 0]);
        var blue = new LookupTable(10, 16, [1, 2, 3]);
        var palette = new PaletteColorLut(red, green, blue);
        Assert.Equal((0.0, 1.0, 1 / 65535.0), palette.Apply(0));          // below first mapped → first entry
        Assert.Equal((32768 / 65535.0, 128 / 255.0, 2 / 65535.0), palette.Apply(11));
        Assert.Equal((1.0, 0.0, 3 / 65535.0), palette.Apply(1000));       // past the end → last entry
    }
}
