namespace Enamel.Dicom.Imaging;

/// <summary>What to render and how. All sizes are in output pixels; the default is the frame's own size.</summary>
public sealed record RenderOptions
{
    /// <summary>Zero-based frame index.</summary>
    public int Frame { get; init; }

    public VoiMode Voi { get; init; } = VoiMode.Auto;

    /// <summary>Zero-based index of the file's window (Window Center/Width value) or VOI LUT Sequence item.</summary>
    public int VoiIndex { get; init; }

    public double? WindowCenter { get; init; }
    public double? WindowWidth { get; init; }

    /// <summary>Overrides the file's VOI LUT Function (0028,1056) for windows.</summary>
    public VoiLutFunction? Function { get; init; }

    /// <summary>Output width; with only one of width/height set, the other follows the aspect ratio.</summary>
    public int? Width { get; init; }
    public int? Height { get; init; }

    /// <summary>
    /// With both <see cref="Width"/> and <see cref="Height"/> set: they are maxima — the image is scaled to the largest size
    /// that fits inside that box with its aspect ratio kept (PS3.18 viewport and WADO-URI rows/columns). False: exactly that size.
    /// </summary>
    public bool Fit { get; init; }

    /// <summary>Longest side of a thumbnail, aspect ratio preserved (ignored when Width or Height is set).</summary>
    public int? Thumbnail { get; init; }

    /// <summary>8 or 16 bits per output sample.</summary>
    public int Bits { get; init; } = 8;

    public static RenderOptions Default { get; } = new();
}
