namespace Enamel.Dicom.Imaging;

/// <summary>Output file formats of <see cref="RenderedImage.Save"/>.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    Tiff,
}
