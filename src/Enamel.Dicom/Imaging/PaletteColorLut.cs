namespace Enamel.Dicom.Imaging;

/// <summary>
/// The Red/Green/Blue Palette Color Lookup Tables of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5–C.7.6.3.1.6).
/// Stored values index the three tables directly; no Modality or VOI stage applies.
/// </summary>
internal sealed class PaletteColorLut(LookupTable red, LookupTable green, LookupTable blue)
{
    public LookupTable Red { get; } = red;
    public LookupTable Green { get; } = green;
    public LookupTable Blue { get; } = blue;

    public (double R, double G, double B) Apply(long stored) =>
        ((double)Red[stored] / Red.MaxEntryValue, (double)Green[stored] / Green.MaxEntryValue, (double)Blue[stored] / Blue.MaxEntryValue);

    public static PaletteColorLut FromDataset(DicomDataset ds, PixelDataInfo info) => new(
        Read(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, DicomTags.SegmentedRedPaletteColorLookupTableData, info),
        Read(ds, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, DicomTags.SegmentedGreenPaletteColorLookupTableData, info),
        Read(ds, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, DicomTags.SegmentedBluePaletteColorLookupTableData, info));

    private static LookupTable Read(DicomDataset ds, DicomTag descriptor, DicomTag data, DicomTag segmented, PixelDataInfo info)
    {
        if (ds.Contains(data) || ds[segmented] is not DicomValueElement seg) return LookupTable.Read(ds, descriptor, data, info.IsSigned);
        // Segmented tables (C.7.9.2) share the descriptor; expand them to a plain table.
        var (count, first, bits) = LookupTable.ReadDescriptor(ds, descriptor, info.IsSigned);
        return new LookupTable(first, bits, SegmentedLut.Expand(seg.Value.GetMemory().Span, count));
    }
}
