namespace Enamel.Dicom.Tests.Imaging;

/// <summary>Small in-memory images for renderer tests.</summary>
internal static class SyntheticImage
{
    public static DicomFile Grey16(int rows, int columns, ushort[] values, string photometric = "MONOCHROME2", int frames = 1,
        int bitsStored = 16, bool signed = false)
    {
        var ds = Header(rows, columns, 1, photometric, 16, bitsStored, signed, frames);
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) (bytes[2 * i], bytes[2 * i + 1]) = ((byte)values[i], (byte)(values[i] >> 8));
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, bytes);
        return DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    public static DicomFile Rgb8(int rows, int columns, byte[] interleaved, string photometric = "RGB")
    {
        var ds = Header(rows, columns, 3, photometric, 8, 8, false, 1);
        ds.SetUInt16(DicomTags.PlanarConfiguration, 0);
        ds.SetBytes(DicomTags.PixelData, DicomVR.OB, interleaved);
        return DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    private static DicomDataset Header(int rows, int columns, int spp, string photometric, int bits, int stored, bool signed, int frames)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25.1234");
        ds.SetUInt16(DicomTags.Rows, (ushort)rows);
        ds.SetUInt16(DicomTags.Columns, (ushort)columns);
        ds.SetUInt16(DicomTags.SamplesPerPixel, (ushort)spp);
        ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, photometric);
        ds.SetUInt16(DicomTags.BitsAllocated, (ushort)bits);
        ds.SetUInt16(DicomTags.BitsStored, (ushort)stored);
        ds.SetUInt16(DicomTags.HighBit, (ushort)(stored - 1));
        ds.SetUInt16(DicomTags.PixelRepresentation, (ushort)(signed ? 1 : 0));
        if (frames > 1) ds.SetString(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return ds;
    }
}
