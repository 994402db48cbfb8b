using System.Buffers.Binary;
using System.Globalization;

namespace Enamel.Dicom.Imaging;

/// <summary>One graphic of a presentation state, in image pixel coordinates (top-left corner of the first pixel is 0,0).</summary>
/// <param name="Kind">"polyline" (a length, an angle, an arrow's shaft) or "text"</param>
/// <param name="Frame">the frame it is drawn on (1-based), for a multi-frame image</param>
public sealed record PresentationGraphic(string Kind, int Frame, IReadOnlyList<(double X, double Y)> Points, string Text = "");

/// <summary>What a Grayscale Softcopy Presentation State says of its image: window, inversion, flip, rotation and graphics.</summary>
public sealed record PresentationContent
{
    public double? WindowCenter { get; init; }
    public double? WindowWidth { get; init; }
    public bool Invert { get; init; }
    public bool FlipHorizontal { get; init; }
    /// <summary>Clockwise, 0, 90, 180 or 270.</summary>
    public int Rotation { get; init; }
    public IReadOnlyList<PresentationGraphic> Graphics { get; init; } = [];
    public string Label { get; init; } = "ENAMEL";
    public string Description { get; init; } = "";
    public string Creator { get; init; } = "";
}

/// <summary>
/// Builds a Grayscale Softcopy Presentation State (PS3.3 A.33.1, SOP class 1.2.840.10008.5.1.4.1.1.11.1) that refers
/// to one image: patient and study copied from the image, a new series (modality PR) and instance, the displayed area
/// (the whole image, scale to fit), the spatial transformation, the image's Modality LUT, a softcopy VOI window, the
/// presentation LUT shape (INVERSE for an inverted display of MONOCHROME2, and the reverse for MONOCHROME1), and one
/// graphic layer with the annotations as polylines and text in PIXEL units. The image itself is not changed.
/// </summary>
public static class PresentationStateBuilder
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.11.1";
    public const string Layer = "ANNOTATIONS";

    private static readonly DicomTag[] Copied =
    [
        DicomTags.SpecificCharacterSet, DicomTags.PatientName, DicomTags.PatientID, DicomTags.PatientBirthDate, DicomTags.PatientSex,
        DicomTags.StudyInstanceUID, DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.ReferringPhysicianName, DicomTags.StudyID,
        DicomTags.AccessionNumber,
    ];

    public static DicomDataset Build(DicomDataset image, PresentationContent content, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(content);
        if (content.Rotation is not (0 or 90 or 180 or 270)) throw new ArgumentException("rotation is 0, 90, 180 or 270", nameof(content));
        int rows = image.GetInt32(DicomTags.Rows), columns = image.GetInt32(DicomTags.Columns);
        if (rows <= 0 || columns <= 0) throw new ArgumentException("the image has no Rows/Columns", nameof(image));
        var now = time.GetLocalNow();
        var ds = new DicomDataset();
        foreach (var tag in Copied)
            if (image[tag] is { } e) ds.Set(e);
        foreach (var (tag, vr) in new[] { (DicomTags.StudyDate, DicomVR.DA), (DicomTags.StudyTime, DicomVR.TM), (DicomTags.ReferringPhysicianName, DicomVR.PN),
                     (DicomTags.StudyID, DicomVR.SH), (DicomTags.AccessionNumber, DicomVR.SH), (DicomTags.PatientName, DicomVR.PN), (DicomTags.PatientID, DicomVR.LO),
                     (DicomTags.PatientBirthDate, DicomVR.DA), (DicomTags.PatientSex, DicomVR.CS) })
            if (!ds.Contains(tag)) ds.SetString(tag, vr);
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, SopClassUid);
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        ds.SetString(DicomTags.Modality, DicomVR.CS, "PR");
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        ds.SetString(DicomTags.SeriesNumber, DicomVR.IS, "9001");
        ds.SetString(DicomTags.Manufacturer, DicomVR.LO, "Enamel");
        // Presentation State Identification
        ds.SetString(DicomTags.InstanceNumber, DicomVR.IS, "1");
        ds.SetString(DicomTags.ContentLabel, DicomVR.CS, Label(content.Label));
        ds.SetString(DicomTags.ContentDescription, DicomVR.LO, Clip(content.Description, 64));
        ds.SetString(DicomTags.PresentationCreationDate, DicomVR.DA, now.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.PresentationCreationTime, DicomVR.TM, now.ToString("HHmmss", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.ContentCreatorName, DicomVR.PN, Clip(content.Creator, 64));
        // Presentation State Relationship: the one image.
        var referenced = new DicomDataset();
        referenced.SetString(DicomTags.ReferencedSOPClassUID, DicomVR.UI, image.GetString(DicomTags.SOPClassUID) ?? "");
        referenced.SetString(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, image.GetString(DicomTags.SOPInstanceUID) ?? "");
        var series = new DicomDataset();
        series.Set(new DicomSequence(DicomTags.ReferencedImageSequence, [referenced]));
        series.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, image.GetString(DicomTags.SeriesInstanceUID) ?? "");
        ds.Set(new DicomSequence(DicomTags.ReferencedSeriesSequence, [series]));
        // Displayed Area: the whole image, scaled to fit.
        var area = new DicomDataset();
        area.SetBytes(DicomTags.DisplayedAreaTopLeftHandCorner, DicomVR.SL, Int32s(1, 1));
        area.SetBytes(DicomTags.DisplayedAreaBottomRightHandCorner, DicomVR.SL, Int32s(columns, rows));
        area.SetString(DicomTags.PresentationSizeMode, DicomVR.CS, "SCALE TO FIT");
        if (image.GetStrings(DicomTags.PixelSpacing) is [var ry, var rx])
            area.SetString(DicomTags.PresentationPixelSpacing, DicomVR.DS, ry, rx);
        else
            area.SetString(DicomTags.PresentationPixelAspectRatio, DicomVR.IS, "1", "1");
        ds.Set(new DicomSequence(DicomTags.DisplayedAreaSelectionSequence, [area]));
        // Spatial Transformation (display only).
        ds.SetUInt16(DicomTags.ImageRotation, (ushort)content.Rotation);
        ds.SetString(DicomTags.ImageHorizontalFlip, DicomVR.CS, content.FlipHorizontal ? "Y" : "N");
        // Graphic Layer and Graphic Annotation.
        var layer = new DicomDataset();
        layer.SetString(DicomTags.GraphicLayer, DicomVR.CS, Layer);
        layer.SetString(DicomTags.GraphicLayerOrder, DicomVR.IS, "1");
        layer.SetUInt16(DicomTags.GraphicLayerRecommendedDisplayGrayscaleValue, 0xFFFF);
        layer.SetString(DicomTags.GraphicLayerDescription, DicomVR.LO, "Enamel viewer annotations");
        ds.Set(new DicomSequence(DicomTags.GraphicLayerSequence, [layer]));
        var annotations = new List<DicomDataset>();
        int frames = Math.Max(1, image.GetInt32(DicomTags.NumberOfFrames, 1));
        foreach (var group in content.Graphics.GroupBy(g => g.Frame).OrderBy(g => g.Key))
        {
            var annotation = new DicomDataset();
            if (frames > 1)
            {
                var onFrame = referenced.Clone();
                onFrame.SetString(DicomTags.ReferencedFrameNumber, DicomVR.IS, group.Key.ToString(CultureInfo.InvariantCulture));
                annotation.Set(new DicomSequence(DicomTags.ReferencedImageSequence, [onFrame]));
            }
            annotation.SetString(DicomTags.GraphicLayer, DicomVR.CS, Layer);
            var texts = new List<DicomDataset>();
            var graphics = new List<DicomDataset>();
            foreach (var g in group)
            {
                if (g.Kind == "text")
                {
                    var t = new DicomDataset();
                    t.SetString(DicomTags.AnchorPointAnnotationUnits, DicomVR.CS, "PIXEL");
                    t.SetString(DicomTags.UnformattedTextValue, DicomVR.ST, Clip(g.Text, 1024));
                    t.SetBytes(DicomTags.AnchorPoint, DicomVR.FL, Floats([g.Points[0].X, g.Points[0].Y]));
                    t.SetString(DicomTags.AnchorPointVisibility, DicomVR.CS, "N");
                    texts.Add(t);
                }
                else
                {
                    var o = new DicomDataset();
                    o.SetString(DicomTags.GraphicAnnotationUnits, DicomVR.CS, "PIXEL");
                    o.SetUInt16(DicomTags.GraphicDimensions, 2);
                    o.SetUInt16(DicomTags.NumberOfGraphicPoints, (ushort)g.Points.Count);
                    o.SetBytes(DicomTags.GraphicData, DicomVR.FL, Floats([.. g.Points.SelectMany(p => new[] { p.X, p.Y })]));
                    o.SetString(DicomTags.GraphicType, DicomVR.CS, "POLYLINE");
                    o.SetString(DicomTags.GraphicFilled, DicomVR.CS, "N");
                    graphics.Add(o);
                }
            }
            if (texts.Count > 0) annotation.Set(new DicomSequence(DicomTags.TextObjectSequence, texts));
            if (graphics.Count > 0) annotation.Set(new DicomSequence(DicomTags.GraphicObjectSequence, graphics));
            annotations.Add(annotation);
        }
        if (annotations.Count > 0) ds.Set(new DicomSequence(DicomTags.GraphicAnnotationSequence, annotations));
        // Modality LUT as the image has it; then the softcopy VOI window; then the presentation LUT shape.
        foreach (var tag in new[] { DicomTags.RescaleIntercept, DicomTags.RescaleSlope, DicomTags.RescaleType })
            if (image[tag] is { } e) ds.Set(e);
        if (ds.Contains(DicomTags.RescaleSlope) && !ds.Contains(DicomTags.RescaleType)) ds.SetString(DicomTags.RescaleType, DicomVR.LO, "US");
        if (content.WindowCenter is { } center && content.WindowWidth is { } width)
        {
            var voi = new DicomDataset();
            voi.SetString(DicomTags.WindowCenter, DicomVR.DS, Ds(center));
            voi.SetString(DicomTags.WindowWidth, DicomVR.DS, Ds(Math.Max(1, width)));
            ds.Set(new DicomSequence(DicomTags.SoftcopyVOILUTSequence, [voi]));
        }
        bool monochrome1 = (image.GetString(DicomTags.PhotometricInterpretation) ?? "").Trim() == "MONOCHROME1";
        ds.SetString(DicomTags.PresentationLUTShape, DicomVR.CS, content.Invert != monochrome1 ? "INVERSE" : "IDENTITY");
        return ds;
    }

    /// <summary>The presentation state as a Part 10 file (explicit VR little endian).</summary>
    public static byte[] ToPart10(DicomDataset presentationState)
    {
        using var file = DicomFile.Create(presentationState, DicomTransferSyntax.ExplicitVRLittleEndian);
        using var output = new MemoryStream();
        file.Save(output);
        return output.ToArray();
    }

    private static string Label(string label)
    {
        var s = new string([.. label.ToUpperInvariant().Select(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_')]);
        return s.Length == 0 ? "ENAMEL" : Clip(s, 16);
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Ds(double v)
    {
        var s = Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);
        return s.Length <= 16 ? s : v.ToString("G8", CultureInfo.InvariantCulture);
    }

    private static byte[] Int32s(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    private static byte[] Floats(double[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), (float)values[i]);
        return bytes;
    }
}
