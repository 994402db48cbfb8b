using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Imaging;

/// <summary>Hand-computed values of PS3.3 C.11.2.1.2 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT) and C.11.2.1.3.1 (SIGMOID), c = 40, w = 400.</summary>
public class VoiTransformTests
{
    [Theory]
    [InlineData(-1000, 0.0)]
    [InlineData(-160, 0.0)]          // x <= c - 0.5 - (w-1)/2 = -160
    [InlineData(-159, 1 / 399.0)]    // (x - 39.5)/399 + 0.5
    [InlineData(0, 0.40100250626566414)]
    [InlineData(39.5, 0.5)]
    [InlineData(239, 1.0)]           // x = c - 0.5 + (w-1)/2 is still on the ramp: (239-39.5)/399+0.5 = 1
    [InlineData(240, 1.0)]
    public void Apply_Linear_FollowsC11212(double x, double expected) =>
        Assert.Equal(expected, VoiTransform.Window(40, 400).Apply(x), 12);

    [Theory]
    [InlineData(-160, 0.0)]          // x <= c - w/2
    [InlineData(-159, 0.0025)]       // (x - c)/w + 0.5
    [InlineData(0, 0.4)]
    [InlineData(40, 0.5)]
    [InlineData(240, 1.0)]
    [InlineData(241, 1.0)]
    public void Apply_LinearExact_FollowsC112132(double x, double expected) =>
        Assert.Equal(expected, VoiTransform.Window(40, 400, VoiLutFunction.LinearExact).Apply(x), 12);

    [Theory]
    [InlineData(40, 0.5)]
    [InlineData(140, 0.7310585786300049)]   // 1 / (1 + e^-1)
    [InlineData(-60, 0.2689414213699951)]   // 1 / (1 + e^1)
    [InlineData(440, 0.9820137900379085)]   // 1 / (1 + e^-4)
    public void Apply_Sigmoid_FollowsC112131(double x, double expected) =>
        Assert.Equal(expected, VoiTransform.Window(40, 400, VoiLutFunction.Sigmoid).Apply(x), 12);

    [Fact]
    public void Window_LinearWidthBelowOne_Throws() =>
        Assert.Throws<DicomImagingException>(() => VoiTransform.Window(0, 0.5));

    [Fact]
    public void Window_LinearExactWidthBelowOne_IsAllowed() =>
        Assert.Equal(0.5, VoiTransform.Window(0, 0.5, VoiLutFunction.LinearExact).Apply(0));

    [Fact]
    public void Range_MapsMinToZeroAndMaxToOne()
    {
        var voi = VoiTransform.Range(-1024, 3071);
        Assert.Equal(0, voi.Apply(-1024), 12);
        Assert.Equal(1, voi.Apply(3071), 12);
    }

    [Fact]
    public void FromLut_ClampsAndNormalisesByEntryBits()
    {
        // 4 entries of 12 bits starting at stored value 100.
        var voi = VoiTransform.FromLut(new LookupTable(100, 12, [0, 1000, 2000, 4095]));
        Assert.Equal(0, voi.Apply(-5));
        Assert.Equal(1000 / 4095.0, voi.Apply(101), 12);
        Assert.Equal(1, voi.Apply(103));
        Assert.Equal(1, voi.Apply(5000));
    }

    [Theory]
    [InlineData("LINEAR", VoiLutFunction.Linear)]
    [InlineData("LINEAR_EXACT", VoiLutFunction.LinearExact)]
    [InlineData("SIGMOID ", VoiLutFunction.Sigmoid)]
    [InlineData(null, VoiLutFunction.Linear)]
    public void ParseFunction_ReadsDefinedTerms(string? text, VoiLutFunction expected) =>
        Assert.Equal(expected, VoiTransform.ParseFunction(text));
}
