namespace Enamel.Dicom.Imaging;

/// <summary>How <see cref="DicomRenderer"/> chooses the VOI transformation for greyscale images.</summary>
public enum VoiMode
{
    /// <summary>The file's window selected by <see cref="RenderOptions.VoiIndex"/>, else its VOI LUT of that index, else <see cref="MinMax"/>.</summary>
    Auto,
    /// <summary>The window given in <see cref="RenderOptions.WindowCenter"/> and <see cref="RenderOptions.WindowWidth"/>.</summary>
    Window,
    /// <summary>A window spanning the smallest to the largest modality value of the frame (dcm2pnm <c>+Wm</c>).</summary>
    MinMax,
    /// <summary>No VOI: the whole range Bits Stored allows, after the Modality LUT, is scaled to the output (dcm2pnm default <c>-W</c>).</summary>
    None,
}
