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

    public static PaletteColorLut FromDataset(DicomDataset ds, PixelDataInfo info)
    {
        if (ds.Contains(DicomTags.SegmentedRedPaletteColorLookupTableData) && !ds.Contains(DicomTags.RedPaletteColorLookupTableData))
            throw new DicomImagingException("segmented Palette Color Lookup Tables (0028,1221-1223) are not supported");
        return new PaletteColorLut(
            LookupTable.Read(ds, DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, info.IsSigned),
            LookupTable.Read(ds, DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, info.IsSigned),
            LookupTable.Read(ds, DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, info.IsSigned));
    }
}
