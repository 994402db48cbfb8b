namespace Enamel.Dicom.Tests.Validation;

/// <summary>Minimal objects that meet every requirement of their IOD, built attribute by attribute from PS3.3.</summary>
internal static class SyntheticObjects
{
    public static readonly string[] Kinds = ["IO-presentation", "IO-processing", "DX-presentation", "DX-processing", "CT", "MR", "SC"];

    public static DicomFile Create(string kind) => kind switch
    {
        "IO-presentation" => IntraOral(forPresentation: true),
        "IO-processing" => IntraOral(forPresentation: false),
        "DX-presentation" => DigitalXRay(forPresentation: true),
        "DX-processing" => DigitalXRay(forPresentation: false),
        "CT" => CT(),
        "MR" => MR(),
        "SC" => SecondaryCapture(),
        _ => throw new ArgumentException(kind),
    };

    public static DicomFile IntraOral(bool forPresentation)
    {
        var d = DigitalXRayDataset(forPresentation
            ? DicomUids.DigitalIntraOralXRayImageStorageForPresentation : DicomUids.DigitalIntraOralXRayImageStorageForProcessing,
            "IO", forPresentation);
        d.SetString(DicomTags.PositionerType, "NONE");
        d.SetString(DicomTags.ImageLaterality, "R");
        d.Set(new DicomSequence(DicomTags.AnatomicRegionSequence, [Code("T-11170", "SRT", "Maxilla")]));
        d.Set(new DicomSequence(DicomTags.PrimaryAnatomicStructureSequence, [Code("T-54310", "SRT", "Tooth 11"), Code("T-54320", "SRT", "Tooth 12")]));
        return File(d);
    }

    /// <summary>A panoramic radiograph stored as Digital X-Ray.</summary>
    public static DicomFile DigitalXRay(bool forPresentation)
    {
        var d = DigitalXRayDataset(forPresentation
            ? DicomUids.DigitalXRayImageStorageForPresentation : DicomUids.DigitalXRayImageStorageForProcessing, "DX", forPresentation);
        d.SetString(DicomTags.ImageLaterality, "B");
        d.Set(new DicomSequence(DicomTags.AnatomicRegionSequence, [Code("T-D1217", "SRT", "Jaw region")]));
        return File(d);
    }

    public static DicomFile CT()
    {
        var d = Common(DicomUids.CTImageStorage, "CT");
        CrossSectional(d);
        d.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        d.SetString(DicomTags.RescaleIntercept, "-1024");
        d.SetString(DicomTags.RescaleSlope, "1");
        d.SetString(DicomTags.KVP, "120");
        d.SetString(DicomTags.AcquisitionNumber, "1");
        Pixels(d, bitsStored: 12);
        return File(d);
    }

    public static DicomFile MR()
    {
        var d = Common(DicomUids.MRImageStorage, "MR");
        CrossSectional(d);
        d.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "OTHER");
        d.SetString(DicomTags.ScanningSequence, "SE");
        d.SetString(DicomTags.SequenceVariant, "NONE");
        d.SetString(DicomTags.ScanOptions, "");
        d.SetString(DicomTags.MRAcquisitionType, "2D");
        d.SetString(DicomTags.RepetitionTime, "500");
        d.SetString(DicomTags.EchoTime, "20");
        d.SetString(DicomTags.EchoTrainLength, "1");
        Pixels(d, bitsStored: 12);
        return File(d);
    }

    public static DicomFile SecondaryCapture()
    {
        var d = Common(DicomUids.SecondaryCaptureImageStorage, "OT");
        d.SetString(DicomTags.ConversionType, "WSD");
        d.SetString(DicomTags.PatientOrientation, "");
        Pixels(d, bitsStored: 8, bitsAllocated: 8);
        return File(d);
    }

    private static DicomDataset DigitalXRayDataset(DicomUid sopClass, string modality, bool forPresentation)
    {
        var d = Common(sopClass, modality);
        d.SetString(DicomTags.PresentationIntentType, forPresentation ? "FOR PRESENTATION" : "FOR PROCESSING");
        d.SetString(DicomTags.PatientOrientation, "A", "R");
        d.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "");
        d.SetString(DicomTags.PixelIntensityRelationship, "LIN");
        d.SetBytes(DicomTags.PixelIntensityRelationshipSign, DicomVR.SS, new byte[] { 1, 0 });
        d.SetString(DicomTags.RescaleIntercept, "0");
        d.SetString(DicomTags.RescaleSlope, "1");
        d.SetString(DicomTags.RescaleType, "US");
        if (forPresentation)
        {
            d.SetString(DicomTags.WindowCenter, "2048");
            d.SetString(DicomTags.WindowWidth, "4096");
        }
        d.SetString(DicomTags.PresentationLUTShape, "IDENTITY");
        d.SetString(DicomTags.LossyImageCompression, "00");
        d.SetString(DicomTags.BurnedInAnnotation, "NO");
        d.SetString(DicomTags.DetectorType, "SCINTILLATOR");
        d.SetString(DicomTags.ImagerPixelSpacing, "0.02", "0.02");
        d.Set(new DicomSequence(DicomTags.AcquisitionContextSequence));
        Pixels(d, bitsStored: 12);
        return d;
    }

    private static DicomDataset Common(DicomUid sopClass, string modality)
    {
        var d = new DicomDataset();
        d.SetString(DicomTags.SOPClassUID, sopClass.Value);
        d.SetString(DicomTags.SOPInstanceUID, "2.25.1234567890123456789012345");
        d.SetString(DicomTags.PatientName, "Synthetic^Patient");
        d.SetString(DicomTags.PatientID, "SYN-0001");
        d.SetString(DicomTags.PatientBirthDate, "19800101");
        d.SetString(DicomTags.PatientSex, "F");
        d.SetString(DicomTags.StudyInstanceUID, "2.25.1111");
        d.SetString(DicomTags.StudyDate, "20260101");
        d.SetString(DicomTags.StudyTime, "101500");
        d.SetString(DicomTags.ReferringPhysicianName, "");
        d.SetString(DicomTags.StudyID, "1");
        d.SetString(DicomTags.AccessionNumber, "");
        d.SetString(DicomTags.Modality, modality);
        d.SetString(DicomTags.SeriesInstanceUID, "2.25.2222");
        d.SetString(DicomTags.SeriesNumber, "1");
        d.SetString(DicomTags.Manufacturer, "Enamel");
        if (modality is "CT" or "MR" or "OT") d.SetString(DicomTags.BodyPartExamined, "HEAD");
        d.SetString(DicomTags.InstanceNumber, "1");
        return d;
    }

    private static void CrossSectional(DicomDataset d)
    {
        d.SetString(DicomTags.PatientPosition, "HFS");
        d.SetString(DicomTags.FrameOfReferenceUID, "2.25.3333");
        d.SetString(DicomTags.PositionReferenceIndicator, "");
        d.SetString(DicomTags.PixelSpacing, "0.5", "0.5");
        d.SetString(DicomTags.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
        d.SetString(DicomTags.ImagePositionPatient, "0", "0", "0");
        d.SetString(DicomTags.SliceThickness, "1");
    }

    private static void Pixels(DicomDataset d, int bitsStored, int bitsAllocated = 16)
    {
        const int rows = 8, columns = 8;
        d.SetUInt16(DicomTags.SamplesPerPixel, 1);
        d.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        d.SetUInt16(DicomTags.Rows, rows);
        d.SetUInt16(DicomTags.Columns, columns);
        d.SetUInt16(DicomTags.BitsAllocated, (ushort)bitsAllocated);
        d.SetUInt16(DicomTags.BitsStored, (ushort)bitsStored);
        d.SetUInt16(DicomTags.HighBit, (ushort)(bitsStored - 1));
        d.SetUInt16(DicomTags.PixelRepresentation, 0);
        var pixels = new byte[rows * columns * bitsAllocated / 8];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7);
        if (bitsAllocated == 16) for (int i = 1; i < pixels.Length; i += 2) pixels[i] &= 0x0F;
        d.SetBytes(DicomTags.PixelData, bitsAllocated == 8 ? DicomVR.OB : DicomVR.OW, pixels);
    }

    private static DicomDataset Code(string value, string scheme, string meaning)
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.CodeValue, value);
        item.SetString(DicomTags.CodingSchemeDesignator, scheme);
        item.SetString(DicomTags.CodeMeaning, meaning);
        return item;
    }

    private static DicomFile File(DicomDataset d) => DicomFile.Create(d, DicomTransferSyntax.ExplicitVRLittleEndian);
}
