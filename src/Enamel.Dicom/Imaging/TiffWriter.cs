using BitMiracle.LibTiff.Classic;

namespace Enamel.Dicom.Imaging;

/// <summary>Baseline TIFF (8 or 16 bits, greyscale or RGB, Deflate-compressed strips) through BitMiracle.LibTiff.NET.</summary>
internal static class TiffWriter
{
    public static void Write(RenderedImage image, Stream destination)
    {
        using var buffer = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("rendered.tif", "w", buffer, new TiffStream())
            ?? throw new DicomImagingException("LibTiff could not open a TIFF writer"))
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, image.Width);
            tiff.SetField(TiffTag.IMAGELENGTH, image.Height);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, image.Channels);
            tiff.SetField(TiffTag.BITSPERSAMPLE, image.Bits);
            tiff.SetField(TiffTag.PHOTOMETRIC, image.Channels == 1 ? Photometric.MINISBLACK : Photometric.RGB);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.COMPRESSION, Compression.DEFLATE);
            tiff.SetField(TiffTag.ORIENTATION, Orientation.TOPLEFT);
            tiff.SetField(TiffTag.ROWSPERSTRIP, Math.Max(1, 65536 / Math.Max(1, image.Width * image.Channels * image.Bits / 8)));
            int rowLength = image.Width * image.Channels * image.Bits / 8;
            var row = new byte[rowLength];
            for (int y = 0; y < image.Height; y++)
            {
                // LibTiff takes 16-bit samples in machine order and records that order in the header.
                Buffer.BlockCopy(image.Pixels, y * rowLength, row, 0, rowLength);
                if (!tiff.WriteScanline(row, y)) throw new DicomImagingException($"LibTiff could not write row {y}");
            }
            tiff.WriteDirectory();
        }
        destination.Write(buffer.ToArray());
    }
}
