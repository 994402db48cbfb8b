using Enamel.Dicom;

namespace Enamel.TestShared;

/// <summary>Synthetic images whose attributes describe their pixel data (the archive refuses pixel data no image describes).</summary>
public static class TestImages
{
    /// <summary>Sets a 16-bit (12 stored) MONOCHROME2 image of <paramref name="rows"/> × <paramref name="columns"/> with <paramref name="pixels"/>.</summary>
    public static DicomDataset SetGreyImage(this DicomDataset ds, int rows, int columns, byte[]? pixels = null)
    {
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.SetUInt16(DicomTags.Rows, (ushort)rows);
        ds.SetUInt16(DicomTags.Columns, (ushort)columns);
        ds.SetUInt16(DicomTags.BitsAllocated, 16);
        ds.SetUInt16(DicomTags.BitsStored, 12);
        ds.SetUInt16(DicomTags.HighBit, 11);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels ?? new byte[rows * columns * 2]);
        return ds;
    }
}
