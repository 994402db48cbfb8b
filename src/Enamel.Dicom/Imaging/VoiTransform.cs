namespace Enamel.Dicom.Imaging;

/// <summary>
/// The VOI LUT stage (PS3.3 C.11.2): maps modality values to display values in [0, 1], either by a window
/// (Window Center/Width with a VOI LUT Function) or by a VOI LUT Sequence table.
/// </summary>
public sealed class VoiTransform
{
    private VoiTransform(double center, double width, VoiLutFunction function, LookupTable? lut)
    {
        Center = center;
        Width = width;
        Function = function;
        Lut = lut;
    }

    public double Center { get; }
    public double Width { get; }
    public VoiLutFunction Function { get; }
    public LookupTable? Lut { get; }

    public static VoiTransform Window(double center, double width, VoiLutFunction function = VoiLutFunction.Linear)
    {
        if (!double.IsFinite(center) || !double.IsFinite(width))
            throw new DicomImagingException($"window center {center} / width {width} is not a number");
        // C.11.2.1.2: LINEAR needs width >= 1; LINEAR_EXACT and SIGMOID need width > 0.
        if (function == VoiLutFunction.Linear ? width < 1 : width <= 0)
            throw new DicomImagingException($"window width {width} is not valid for VOI LUT Function {function}");
        return new VoiTransform(center, width, function, null);
    }

    public static VoiTransform FromLut(LookupTable lut) => new(0, 0, VoiLutFunction.Linear, lut);

    /// <summary>The LINEAR window whose C.11.2.1.2 ramp runs exactly from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static VoiTransform Range(double min, double max, VoiLutFunction function = VoiLutFunction.Linear) =>
        max > min ? Window((min + max + 1) / 2, max - min + 1, function) : Window(min + 0.5, 1, function);

    /// <summary>Display value in [0, 1] for a modality value.</summary>
    public double Apply(double x)
    {
        if (Lut is { } lut) return (double)lut[x] / lut.MaxEntryValue;
        double c = Center, w = Width;
        switch (Function)
        {
            case VoiLutFunction.LinearExact:
                // C.11.2.1.3.2
                if (x <= c - w / 2) return 0;
                if (x > c + w / 2) return 1;
                return (x - c) / w + 0.5;
            case VoiLutFunction.Sigmoid:
                // C.11.2.1.3.1: y = ymax / (1 + exp(-4 (x - c) / w))
                return 1 / (1 + Math.Exp(-4 * (x - c) / w));
            default:
                // C.11.2.1.2.1
                if (x <= c - 0.5 - (w - 1) / 2) return 0;
                if (x > c - 0.5 + (w - 1) / 2) return 1;
                return w == 1 ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5;
        }
    }

    public static VoiLutFunction ParseFunction(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        "LINEAR_EXACT" => VoiLutFunction.LinearExact,
        "SIGMOID" => VoiLutFunction.Sigmoid,
        _ => VoiLutFunction.Linear,
    };
}
