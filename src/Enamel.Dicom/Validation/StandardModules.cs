using static Enamel.Dicom.Validation.AttributeRequirement;

namespace Enamel.Dicom.Validation;

/// <summary>
/// The modules of PS3.3 Annex C that our IODs use, reduced to their Type 1, 2 and key 1C/2C attributes.
/// Type 3 attributes are not listed: they are optional and only their encoding is checked.
/// </summary>
public static class StandardModules
{
    /// <summary>Code Sequence Macro (PS3.3 Table 8.8-1), the attributes of each item of a code sequence.</summary>
    public static readonly AttributeRequirement[] CodeSequenceMacro =
    [
        T1C(DicomTags.CodeValue, "Long Code Value (0008,0119) and URN Code Value (0008,0120) are absent",
            d => !d.Contains(DicomTags.LongCodeValue) && !d.Contains(DicomTags.URNCodeValue)),
        T1C(DicomTags.CodingSchemeDesignator, "Code Value (0008,0100) or Long Code Value (0008,0119) is present",
            d => d.Contains(DicomTags.CodeValue) || d.Contains(DicomTags.LongCodeValue)),
        T1(DicomTags.CodeMeaning),
    ];

    public static readonly ModuleDefinition Patient = new("Patient", "C.7.1.1",
    [
        T2(DicomTags.PatientName),
        T2(DicomTags.PatientID),
        T2(DicomTags.PatientBirthDate),
        T2(DicomTags.PatientSex).OneOf("M", "F", "O"),
    ]);

    public static readonly ModuleDefinition GeneralStudy = new("General Study", "C.7.2.1",
    [
        T1(DicomTags.StudyInstanceUID),
        T2(DicomTags.StudyDate),
        T2(DicomTags.StudyTime),
        T2(DicomTags.ReferringPhysicianName),
        T2(DicomTags.StudyID),
        T2(DicomTags.AccessionNumber),
    ]);

    public static readonly ModuleDefinition GeneralSeries = new("General Series", "C.7.3.1",
    [
        T1(DicomTags.Modality),
        T1(DicomTags.SeriesInstanceUID),
        T2(DicomTags.SeriesNumber),
        T2C(DicomTags.Laterality,
            "Body Part Examined (0018,0015) is a paired structure (or absent, so possibly paired, as dciodvfy reads it) and Image Laterality (0020,0062) is absent",
            d => !d.Contains(DicomTags.ImageLaterality) && !d.Contains(DicomTags.FrameLaterality) && IsPairedBodyPart(d)),
        T2C(DicomTags.PatientPosition,
            "the SOP Class is CT Image Storage or MR Image Storage and Patient Orientation Code Sequence (0054,0410) is absent",
            d => IsSopClass(d, DicomUids.CTImageStorage, DicomUids.MRImageStorage) && !d.Contains(DicomTags.PatientOrientationCodeSequence)),
    ]);

    public static readonly ModuleDefinition FrameOfReference = new("Frame of Reference", "C.7.4.1",
    [
        T1(DicomTags.FrameOfReferenceUID),
        T2(DicomTags.PositionReferenceIndicator),
    ]);

    public static readonly ModuleDefinition GeneralEquipment = new("General Equipment", "C.7.5.1",
    [
        T2(DicomTags.Manufacturer),
    ]);

    public static readonly ModuleDefinition GeneralImage = new("General Image", "C.7.6.1",
    [
        T2(DicomTags.InstanceNumber),
        T2C(DicomTags.PatientOrientation,
            "the image does not require Image Orientation (Patient) (0020,0037) and Image Position (Patient) (0020,0032)",
            d => !IsSopClass(d, DicomUids.CTImageStorage, DicomUids.MRImageStorage)),
    ]);

    public static readonly ModuleDefinition ImagePlane = new("Image Plane", "C.7.6.2",
    [
        T1(DicomTags.PixelSpacing),
        T1(DicomTags.ImageOrientationPatient),
        T1(DicomTags.ImagePositionPatient),
        T2(DicomTags.SliceThickness),
    ]);

    public static readonly ModuleDefinition ImagePixel = new("Image Pixel", "C.7.6.3",
    [
        T1(DicomTags.SamplesPerPixel),
        T1(DicomTags.PhotometricInterpretation),
        T1(DicomTags.Rows),
        T1(DicomTags.Columns),
        T1(DicomTags.BitsAllocated),
        T1(DicomTags.BitsStored),
        T1(DicomTags.HighBit),
        T1(DicomTags.PixelRepresentation, "0", "1"),
        T1C(DicomTags.PixelData, "Pixel Data Provider URL (0028,7FE0) is absent", d => !d.Contains(DicomTags.PixelDataProviderURL)),
        T1C(DicomTags.PlanarConfiguration, "Samples per Pixel (0028,0002) > 1", d => d.GetInt32(DicomTags.SamplesPerPixel) > 1)
            .OneOf("0", "1"),
        T1C(DicomTags.RedPaletteColorLookupTableDescriptor, "Photometric Interpretation is PALETTE COLOR", IsPaletteColor),
        T1C(DicomTags.GreenPaletteColorLookupTableDescriptor, "Photometric Interpretation is PALETTE COLOR", IsPaletteColor),
        T1C(DicomTags.BluePaletteColorLookupTableDescriptor, "Photometric Interpretation is PALETTE COLOR", IsPaletteColor),
    ]);

    public static readonly ModuleDefinition SopCommon = new("SOP Common", "C.12.1",
    [
        T1(DicomTags.SOPClassUID),
        T1(DicomTags.SOPInstanceUID),
        T1C(DicomTags.SpecificCharacterSet, "an expanded or replacement character set is used (a text value has non-ASCII bytes)",
            UsesNonAsciiText),
    ]);

    // ---- CT and MR (PS3.3 C.8.2, C.8.3) ------------------------------------------------------------------

    public static readonly ModuleDefinition CTImage = new("CT Image", "C.8.2.1",
    [
        T1(DicomTags.ImageType),
        T1(DicomTags.SamplesPerPixel, "1"),
        T1(DicomTags.PhotometricInterpretation, "MONOCHROME1", "MONOCHROME2"),
        T1(DicomTags.BitsAllocated, "16"),
        T1(DicomTags.BitsStored),
        T1(DicomTags.HighBit),
        T1(DicomTags.RescaleIntercept),
        T1(DicomTags.RescaleSlope),
        T1C(DicomTags.RescaleType, "Multi-energy CT Acquisition (0018,9361) is YES", IsMultiEnergy),
        T2C(DicomTags.KVP, "Multi-energy CT Acquisition (0018,9361) is absent or NO", d => !IsMultiEnergy(d)),
        T2(DicomTags.AcquisitionNumber),
    ]);

    public static readonly ModuleDefinition MRImage = new("MR Image", "C.8.3.1",
    [
        T1(DicomTags.ImageType),
        T1(DicomTags.SamplesPerPixel, "1"),
        T1(DicomTags.PhotometricInterpretation, "MONOCHROME1", "MONOCHROME2"),
        T1(DicomTags.BitsAllocated, "16"),
        T1(DicomTags.ScanningSequence, "SE", "IR", "GR", "EP", "RM"),
        T1(DicomTags.SequenceVariant, "SK", "MTC", "SS", "TRSS", "SP", "MP", "OSP", "NONE"),
        T2(DicomTags.ScanOptions),
        T2(DicomTags.MRAcquisitionType, "2D", "3D"),
        T2C(DicomTags.RepetitionTime, "not (Scanning Sequence is EP and Sequence Variant is not SK)",
            d => !(HasValue(d, DicomTags.ScanningSequence, "EP") && !HasValue(d, DicomTags.SequenceVariant, "SK"))),
        T2(DicomTags.EchoTime),
        T2(DicomTags.EchoTrainLength),
        T2C(DicomTags.InversionTime, "Scanning Sequence (0018,0020) includes IR", d => HasValue(d, DicomTags.ScanningSequence, "IR")),
    ]);

    // ---- Secondary Capture (PS3.3 C.8.6) -----------------------------------------------------------------

    public static readonly ModuleDefinition SCEquipment = new("SC Equipment", "C.8.6.1",
    [
        T1(DicomTags.ConversionType, "DV", "DI", "DF", "WSD", "SD", "SI", "DRW", "SYN"),
    ]);

    // ---- Digital X-Ray family (PS3.3 C.8.11) -------------------------------------------------------------

    /// <summary>DX Series; <paramref name="presentationIntent"/> is the Presentation Intent Type the SOP class demands.</summary>
    public static ModuleDefinition DXSeries(string presentationIntent) => new("DX Series", "C.8.11.1",
    [
        T1(DicomTags.Modality, "DX", "IO", "MG"),
        T1(DicomTags.PresentationIntentType, presentationIntent),
    ]);

    public static readonly ModuleDefinition DXAnatomyImaged = new("DX Anatomy Imaged", "C.8.11.2",
    [
        T1(DicomTags.ImageLaterality, "R", "L", "U", "B"),
        T2(DicomTags.AnatomicRegionSequence).Items(CodeSequenceMacro),
    ]);

    public static readonly ModuleDefinition DXImage = new("DX Image", "C.8.11.3",
    [
        T1(DicomTags.ImageType),
        T1(DicomTags.SamplesPerPixel, "1"),
        T1(DicomTags.PhotometricInterpretation, "MONOCHROME1", "MONOCHROME2"),
        T1(DicomTags.BitsAllocated, "8", "16"),
        T1(DicomTags.BitsStored, "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"),
        T1(DicomTags.HighBit),
        T1(DicomTags.PixelRepresentation, "0"),
        T1(DicomTags.PixelIntensityRelationship, "LIN", "LOG", "OTHER"),
        T1(DicomTags.PixelIntensityRelationshipSign, "1", "-1"),
        T1(DicomTags.RescaleIntercept),
        T1(DicomTags.RescaleSlope),
        T1(DicomTags.RescaleType),
        T1(DicomTags.PresentationLUTShape, "IDENTITY", "INVERSE"),
        T1(DicomTags.LossyImageCompression, "00", "01"),
        // PS3.3 makes this 1C; dciodvfy requires a value whatever Image Type says, and so do we.
        T1C(DicomTags.PatientOrientation, "the image is a DX family image (as dciodvfy reads C.8.11.3)", _ => true),
        T1(DicomTags.BurnedInAnnotation, "YES", "NO"),
    ]);

    public static readonly ModuleDefinition DXDetector = new("DX Detector", "C.8.11.4",
    [
        T2(DicomTags.DetectorType, "DIRECT", "SCINTILLATOR", "STORAGE", "FILM"),
        T1(DicomTags.ImagerPixelSpacing),
        T1C(DicomTags.FieldOfViewOrigin, "Field of View Rotation (0018,7032) or Field of View Horizontal Flip (0018,7034) is present",
            d => d.Contains(DicomTags.FieldOfViewRotation) || d.Contains(DicomTags.FieldOfViewHorizontalFlip)),
        T1C(DicomTags.FieldOfViewRotation, "Field of View Horizontal Flip (0018,7034) is present",
            d => d.Contains(DicomTags.FieldOfViewHorizontalFlip)).OneOf("0", "90", "180", "270"),
        T1C(DicomTags.FieldOfViewHorizontalFlip, "Field of View Rotation (0018,7032) is present",
            d => d.Contains(DicomTags.FieldOfViewRotation)).OneOf("NO", "YES"),
    ]);

    public static readonly ModuleDefinition IntraOralSeries = new("Intra-oral Series", "C.8.11.8",
    [
        T1(DicomTags.Modality, "IO"),
    ]);

    public static readonly ModuleDefinition IntraOralImage = new("Intra-oral Image", "C.8.11.9",
    [
        T1(DicomTags.PositionerType, "NONE", "CEPHALOSTAT", "RIGID"),
        T1(DicomTags.ImageLaterality, "R", "L", "B"),
        T1(DicomTags.AnatomicRegionSequence).Items(
        [
            .. CodeSequenceMacro,
            T1C(DicomTags.AnatomicRegionModifierSequence, "Primary Anatomic Structure Sequence (0008,2228) is absent",
                item => item.Parent is { } image && !image.Contains(DicomTags.PrimaryAnatomicStructureSequence)).Items(CodeSequenceMacro),
        ]),
        T1C(DicomTags.PrimaryAnatomicStructureSequence, "Anatomic Region Modifier Sequence (0008,2220) is absent from the Anatomic Region Sequence item",
            d => d.GetSequence(DicomTags.AnatomicRegionSequence) is not { Items.Count: > 0 } region
                 || !region.Items[0].Contains(DicomTags.AnatomicRegionModifierSequence)).Items(CodeSequenceMacro),
    ]);

    public static readonly ModuleDefinition AcquisitionContext = new("Acquisition Context", "C.7.6.14",
    [
        T2(DicomTags.AcquisitionContextSequence),
    ]);

    public static readonly ModuleDefinition VOILut = new("VOI LUT", "C.11.2",
    [
        T1C(DicomTags.WindowCenter, "VOI LUT Sequence (0028,3010) is absent", d => !d.Contains(DicomTags.VOILUTSequence)),
        T1C(DicomTags.WindowWidth, "Window Center (0028,1050) is present", d => d.Contains(DicomTags.WindowCenter)),
    ]);

    // ---- conditions --------------------------------------------------------------------------------------

    internal static bool IsForPresentation(DicomDataset d) =>
        string.Equals(d.GetString(DicomTags.PresentationIntentType), "FOR PRESENTATION", StringComparison.Ordinal);

    /// <summary>Body parts of PS3.16 Annex L that come in pairs (a right and a left).</summary>
    private static readonly string[] PairedBodyParts =
    [
        "ANKLE", "BREAST", "CLAVICLE", "EAR", "ELBOW", "EXTREMITY", "EYE", "FEMUR", "FINGER", "FOOT", "FOREARM", "HAND",
        "HIP", "HUMERUS", "KIDNEY", "KNEE", "LEG", "LUNG", "OVARY", "SCAPULA", "SHOULDER", "TESTIS", "THUMB", "TOE", "WRIST",
    ];

    private static bool IsPairedBodyPart(DicomDataset d) =>
        d.GetString(DicomTags.BodyPartExamined) is not { Length: > 0 } part || PairedBodyParts.Contains(part.Trim(), StringComparer.Ordinal);

    private static bool IsPaletteColor(DicomDataset d) =>
        string.Equals(d.GetString(DicomTags.PhotometricInterpretation), "PALETTE COLOR", StringComparison.Ordinal);

    private static bool IsMultiEnergy(DicomDataset d) =>
        string.Equals(d.GetString(DicomTags.MultienergyCTAcquisition), "YES", StringComparison.Ordinal);

    private static bool HasValue(DicomDataset d, DicomTag tag, string value) =>
        d.GetStrings(tag).Any(v => string.Equals(v.Trim(), value, StringComparison.Ordinal));

    private static bool IsSopClass(DicomDataset d, params DicomUid[] classes)
    {
        var uid = d.GetString(DicomTags.SOPClassUID);
        return classes.Any(c => c.Value == uid);
    }

    /// <summary>True when a text value of a character-set-dependent VR holds bytes outside ASCII (or ESC).</summary>
    private static bool UsesNonAsciiText(DicomDataset d)
    {
        foreach (var e in d)
        {
            switch (e)
            {
                case DicomValueElement v when v.VR.UsesSpecificCharacterSet() && !v.Value.IsDeferred:
                    if (v.Value.GetMemory().Span.IndexOfAnyExceptInRange((byte)0x00, (byte)0x7F) >= 0 ||
                        v.Value.GetMemory().Span.IndexOf((byte)0x1B) >= 0)
                        return true;
                    break;
                case DicomSequence s:
                    foreach (var item in s.Items)
                        if (!item.Contains(DicomTags.SpecificCharacterSet) && UsesNonAsciiText(item)) return true;
                    break;
            }
        }
        return false;
    }
}
