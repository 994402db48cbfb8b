namespace Enamel.Dicom.Imaging;

/// <summary>
/// The Modality LUT stage (PS3.3 C.11.1): Rescale Slope/Intercept, or a Modality LUT Sequence item. Attributes
/// come from the frame's functional groups (Pixel Value Transformation Sequence) when present, else the top level.
/// </summary>
public sealed class ModalityTransform
{
    private ModalityTransform(double slope, double intercept, LookupTable? lut)
    {
        Slope = slope;
        Intercept = intercept;
        Lut = lut;
    }

    public static ModalityTransform Identity { get; } = new(1, 0, null);

    public double Slope { get; }
    public double Intercept { get; }
    public LookupTable? Lut { get; }

    public static ModalityTransform Linear(double slope, double intercept) => new(slope, intercept, null);
    public static ModalityTransform FromLut(LookupTable lut) => new(1, 0, lut);

    public double Apply(long stored) => Lut is { } lut ? lut[stored] : stored * Slope + Intercept;

    /// <summary>The output range for an input range (the LUT's entry range, or the rescaled ends).</summary>
    public (double Min, double Max) OutputRange(long storedMin, long storedMax)
    {
        if (Lut is { } lut) return (0, lut.MaxEntryValue);
        double a = Apply(storedMin), b = Apply(storedMax);
        return (Math.Min(a, b), Math.Max(a, b));
    }

    public static ModalityTransform FromDataset(DicomDataset ds, int frame, PixelDataInfo info)
    {
        var source = FunctionalGroups.Find(ds, frame, DicomTags.PixelValueTransformationSequence) ?? ds;
        if (ds.GetSequence(DicomTags.ModalityLUTSequence) is { Items.Count: > 0 } seq)
            return FromLut(LookupTable.Read(seq.Items[0], DicomTags.LUTDescriptor, DicomTags.LUTData, info.IsSigned));
        double slope = source.GetDouble(DicomTags.RescaleSlope, 1);
        double intercept = source.GetDouble(DicomTags.RescaleIntercept, 0);
        if (slope == 0 || !double.IsFinite(slope) || !double.IsFinite(intercept)) slope = 1;
        return Linear(slope, intercept);
    }
}
