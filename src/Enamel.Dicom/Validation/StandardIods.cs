using static Enamel.Dicom.Validation.StandardModules;

namespace Enamel.Dicom.Validation;

/// <summary>
/// The IODs of PS3.3 Annex A that we validate, as module tables. User-optional (U) modules are left out;
/// conditional (C) modules carry their condition.
/// </summary>
public static class StandardIods
{
    private const string ForPresentation = "FOR PRESENTATION";
    private const string ForProcessing = "FOR PROCESSING";

    private static readonly ModuleUsage VOILutForPresentation =
        new(VOILut, IsForPresentation, "required if Presentation Intent Type (0008,0068) is FOR PRESENTATION");

    public static readonly IodDefinition DigitalXRayForPresentation = DigitalXRay(
        "Digital X-Ray Image (For Presentation)", DicomUids.DigitalXRayImageStorageForPresentation, ForPresentation);

    public static readonly IodDefinition DigitalXRayForProcessing = DigitalXRay(
        "Digital X-Ray Image (For Processing)", DicomUids.DigitalXRayImageStorageForProcessing, ForProcessing);

    public static readonly IodDefinition DigitalIntraOralXRayForPresentation = DigitalIntraOralXRay(
        "Digital Intra-Oral X-Ray Image (For Presentation)", DicomUids.DigitalIntraOralXRayImageStorageForPresentation, ForPresentation);

    public static readonly IodDefinition DigitalIntraOralXRayForProcessing = DigitalIntraOralXRay(
        "Digital Intra-Oral X-Ray Image (For Processing)", DicomUids.DigitalIntraOralXRayImageStorageForProcessing, ForProcessing);

    public static readonly IodDefinition CTImageIod = new("CT Image", "A.3", [DicomUids.CTImageStorage.Value],
    [
        Patient, GeneralStudy, GeneralSeries, FrameOfReference, GeneralEquipment,
        GeneralImage, ImagePlane, ImagePixel, CTImage, SopCommon,
    ]);

    public static readonly IodDefinition MRImageIod = new("MR Image", "A.4", [DicomUids.MRImageStorage.Value],
    [
        Patient, GeneralStudy, GeneralSeries, FrameOfReference, GeneralEquipment,
        GeneralImage, ImagePlane, ImagePixel, MRImage, SopCommon,
    ]);

    public static readonly IodDefinition SecondaryCapture = new("Secondary Capture Image", "A.8.1",
        [DicomUids.SecondaryCaptureImageStorage.Value],
    [
        Patient, GeneralStudy, GeneralSeries, SCEquipment, GeneralImage, ImagePixel, SopCommon,
    ]);

    /// <summary>
    /// What composite objects share; used (with a warning) for SOP classes we have no table for. The 1C/2C
    /// conditions of General Series and General Image depend on the IOD (e.g. Laterality, Patient Orientation),
    /// so only their unconditional attributes are checked; the series attributes kept are common to the
    /// modality-specific series modules (RT Series, SR Document Series …) too.
    /// </summary>
    public static readonly IodDefinition CommonModules = new("common composite modules", "A.1", [],
    [
        Patient, GeneralStudy, Unconditional(GeneralSeries), GeneralEquipment,
        new ModuleUsage(Unconditional(GeneralImage), HasPixelData, "when Pixel Data is present"),
        new ModuleUsage(ImagePixel, HasPixelData, "when Pixel Data is present"),
        SopCommon,
    ]);

    public static IReadOnlyList<IodDefinition> All { get; } =
    [
        DigitalXRayForPresentation, DigitalXRayForProcessing,
        DigitalIntraOralXRayForPresentation, DigitalIntraOralXRayForProcessing,
        CTImageIod, MRImageIod, SecondaryCapture,
    ];

    /// <summary>The IOD for a SOP Class UID, or null when we have no table for it.</summary>
    public static IodDefinition? ForSopClass(string? sopClassUid) =>
        sopClassUid is null ? null : All.FirstOrDefault(i => i.SopClassUids.Contains(sopClassUid));

    /// <summary>Digital X-Ray Image IOD (PS3.3 A.26), also used for panoramic and cephalometric dental images.</summary>
    private static IodDefinition DigitalXRay(string name, DicomUid sopClass, string intent) => new(name, "A.26", [sopClass.Value],
    [
        Patient, GeneralStudy, GeneralSeries, DXSeries(intent), GeneralEquipment,
        GeneralImage, ImagePixel, DXAnatomyImaged, DXImage, DXDetector,
        .. intent == ForPresentation ? [VOILutForPresentation] : Array.Empty<ModuleUsage>(),
        AcquisitionContext, SopCommon,
    ]);

    /// <summary>Digital Intra-Oral X-Ray Image IOD (PS3.3 A.28).</summary>
    private static IodDefinition DigitalIntraOralXRay(string name, DicomUid sopClass, string intent) => new(name, "A.28", [sopClass.Value],
    [
        Patient, GeneralStudy, GeneralSeries, DXSeries(intent), IntraOralSeries, GeneralEquipment,
        GeneralImage, ImagePixel, IntraOralImage, DXAnatomyImaged, DXImage, DXDetector,
        .. intent == ForPresentation ? [VOILutForPresentation] : Array.Empty<ModuleUsage>(),
        AcquisitionContext, SopCommon,
    ]);

    private static ModuleDefinition Unconditional(ModuleDefinition module) =>
        module with { Attributes = module.Attributes.Where(a => a.Condition is null).ToList() };

    private static bool HasPixelData(DicomDataset d) => d.Contains(DicomTags.PixelData);
}
