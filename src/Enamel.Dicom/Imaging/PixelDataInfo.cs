namespace Enamel.Dicom.Imaging;

/// <summary>The Image Pixel module attributes that say how pixel bytes are laid out (PS3.3 C.7.6.3).</summary>
public sealed record PixelDataInfo
{
    public int Rows { get; init; }
    public int Columns { get; init; }
    public int SamplesPerPixel { get; init; } = 1;
    public int BitsAllocated { get; init; } = 8;
    public int BitsStored { get; init; } = 8;
    public int HighBit { get; init; } = 7;
    /// <summary>0 unsigned, 1 two's complement.</summary>
    public int PixelRepresentation { get; init; }
    /// <summary>0 colour-by-pixel (RGBRGB…), 1 colour-by-plane (RR…GG…BB…).</summary>
    public int PlanarConfiguration { get; init; }
    public string PhotometricInterpretation { get; init; } = "MONOCHROME2";
    public int NumberOfFrames { get; init; } = 1;

    public bool IsSigned => PixelRepresentation == 1;
    public int BytesPerSample => (BitsAllocated + 7) / 8;

    /// <summary>Bytes of one native frame (bit-packed for BitsAllocated 1).</summary>
    public long FrameLength => BitsAllocated == 1
        ? ((long)Rows * Columns * SamplesPerPixel + 7) / 8
        : (long)Rows * Columns * SamplesPerPixel * BytesPerSample;

    public static PixelDataInfo FromDataset(DicomDataset ds)
    {
        var info = new PixelDataInfo
        {
            Rows = ds.GetInt32(DicomTags.Rows),
            Columns = ds.GetInt32(DicomTags.Columns),
            SamplesPerPixel = ds.GetInt32(DicomTags.SamplesPerPixel, 1),
            BitsAllocated = ds.GetInt32(DicomTags.BitsAllocated, 8),
            PixelRepresentation = ds.GetInt32(DicomTags.PixelRepresentation),
            PlanarConfiguration = ds.GetInt32(DicomTags.PlanarConfiguration),
            PhotometricInterpretation = ds.GetSingleString(DicomTags.PhotometricInterpretation) ?? "MONOCHROME2",
            NumberOfFrames = Math.Max(1, ds.GetInt32(DicomTags.NumberOfFrames, 1)),
        };
        int stored = ds.GetInt32(DicomTags.BitsStored, info.BitsAllocated);
        return info with { BitsStored = stored, HighBit = ds.GetInt32(DicomTags.HighBit, stored - 1) };
    }

    /// <summary>Writes these attributes into a dataset (used after decoding or encoding changes them).</summary>
    public void WriteTo(DicomDataset ds)
    {
        ds.SetUInt16(DicomTags.Rows, (ushort)Rows);
        ds.SetUInt16(DicomTags.Columns, (ushort)Columns);
        ds.SetUInt16(DicomTags.SamplesPerPixel, (ushort)SamplesPerPixel);
        ds.SetUInt16(DicomTags.BitsAllocated, (ushort)BitsAllocated);
        ds.SetUInt16(DicomTags.BitsStored, (ushort)BitsStored);
        ds.SetUInt16(DicomTags.HighBit, (ushort)HighBit);
        ds.SetUInt16(DicomTags.PixelRepresentation, (ushort)PixelRepresentation);
        ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, PhotometricInterpretation);
        if (SamplesPerPixel > 1) ds.SetUInt16(DicomTags.PlanarConfiguration, (ushort)PlanarConfiguration);
    }

    public void Validate()
    {
        if (Rows <= 0 || Columns <= 0) throw new DicomImagingException($"image has {Rows} rows and {Columns} columns");
        if (SamplesPerPixel is not (1 or 3 or 4)) throw new DicomImagingException($"Samples per Pixel {SamplesPerPixel} is not supported");
        if (BitsAllocated is not (1 or 8 or 16 or 32 or 64)) throw new DicomImagingException($"Bits Allocated {BitsAllocated} is not supported");
        if (BitsStored < 1 || BitsStored > BitsAllocated) throw new DicomImagingException($"Bits Stored {BitsStored} does not fit Bits Allocated {BitsAllocated}");
    }
}

/// <summary>Pixel data that cannot be decoded, encoded or rendered as asked.</summary>
public sealed class DicomImagingException(string message, Exception? inner = null) : Exception(message, inner);
