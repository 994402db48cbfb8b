using System.Globalization;
using BitMiracle.LibTiff.Classic;
using SkiaSharp;

namespace Enamel.Dicom.Imaging;

/// <summary>Who and what a converted image belongs to (the patient mapping of an import).</summary>
public sealed record SecondaryCaptureIdentity
{
    public required string PatientId { get; init; }
    public required string PatientName { get; init; }
    public string PatientBirthDate { get; init; } = "";
    public string PatientSex { get; init; } = "";
    public required string StudyInstanceUid { get; init; }
    public required string SeriesInstanceUid { get; init; }
    public string StudyDate { get; init; } = "";
    public string StudyDescription { get; init; } = "";
    /// <summary>Modality of the series: IO (intra-oral), PX (panoramic), DX, XC (photo), OT …</summary>
    public string Modality { get; init; } = "OT";
    public int SeriesNumber { get; init; } = 1;
    public int InstanceNumber { get; init; } = 1;
}

/// <summary>
/// Wraps a plain JPEG, PNG or TIFF image as a Secondary Capture Image (PS3.3 A.8.1) with new UIDs: greyscale as
/// MONOCHROME2 (8 or 16 bits, 16-bit TIFF and PNG kept at full depth), colour as RGB. Pixel values are kept exactly
/// as decoded; the image file itself is not altered.
/// </summary>
public static class SecondaryCaptureBuilder
{
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.7";

    public static bool IsSupportedImage(string name) =>
        Path.GetExtension(name).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".tif" or ".tiff";

    public static DicomDataset Build(Stream image, string name, SecondaryCaptureIdentity who, TimeProvider time)
    {
        var bytes = ReadAll(image);
        var (info, pixels) = IsTiff(bytes) ? DecodeTiff(bytes, name) : DecodeWithSkia(bytes, name);
        var now = time.GetLocalNow();
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        ds.SetString(DicomTags.ImageType, DicomVR.CS, "DERIVED", "SECONDARY");
        ds.SetString(DicomTags.InstanceCreationDate, DicomVR.DA, now.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.InstanceCreationTime, DicomVR.TM, now.ToString("HHmmss", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, SopClassUid);
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        var studyDate = who.StudyDate.Length > 0 ? who.StudyDate : now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        ds.SetString(DicomTags.StudyDate, DicomVR.DA, studyDate);
        ds.SetString(DicomTags.StudyTime, DicomVR.TM, now.ToString("HHmmss", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.AccessionNumber, DicomVR.SH, "");
        ds.SetString(DicomTags.Modality, DicomVR.CS, who.Modality);
        ds.SetString(DicomTags.ConversionType, DicomVR.CS, "WSD");
        ds.SetString(DicomTags.ReferringPhysicianName, DicomVR.PN, "");
        ds.SetString(DicomTags.StudyDescription, DicomVR.LO, who.StudyDescription);
        ds.SetString(DicomTags.DerivationDescription, DicomVR.ST, $"Imported from {Path.GetExtension(name).TrimStart('.').ToUpperInvariant()} file");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, who.PatientName);
        ds.SetString(DicomTags.PatientID, DicomVR.LO, who.PatientId);
        ds.SetString(DicomTags.PatientBirthDate, DicomVR.DA, who.PatientBirthDate);
        ds.SetString(DicomTags.PatientSex, DicomVR.CS, who.PatientSex);
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, who.StudyInstanceUid);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, who.SeriesInstanceUid);
        ds.SetString(DicomTags.StudyID, DicomVR.SH, "");
        ds.SetString(DicomTags.SeriesNumber, DicomVR.IS, who.SeriesNumber.ToString(CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.InstanceNumber, DicomVR.IS, who.InstanceNumber.ToString(CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.PatientOrientation, DicomVR.CS, "");
        ds.SetString(DicomTags.Laterality, DicomVR.CS, ""); // Type 2C: unknown for a converted image
        info.WriteTo(ds);
        ds.SetBytes(DicomTags.PixelData, info.BitsAllocated == 8 ? DicomVR.OB : DicomVR.OW, pixels);
        return ds;
    }

    private static byte[] ReadAll(Stream s)
    {
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static bool IsTiff(byte[] b) => b.Length > 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42) || (b[0] == 'M' && b[1] == 'M' && b[3] == 42));

    private static (PixelDataInfo, byte[]) DecodeWithSkia(byte[] bytes, string name)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes))
            ?? throw new DicomImagingException($"{name} is not a readable JPEG, PNG or TIFF image");
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w <= 0 || h <= 0 || (long)w * h > 100_000_000) throw new DicomImagingException($"{name}: image size {w}x{h} is not acceptable");
        bool grey = codec.Info.ColorType is SKColorType.Gray8 or SKColorType.Alpha8 or SKColorType.Alpha16;
        bool sixteen = codec.EncodedFormat == SKEncodedImageFormat.Png && IsSixteenBitGreyPng(bytes);
        if (sixteen)
        {
            // 16-bit greyscale PNG: decode at full depth and keep one channel.
            var info16 = new SKImageInfo(w, h, SKColorType.Rgba16161616, SKAlphaType.Unpremul);
            var rgba = new byte[info16.BytesSize];
            unsafe
            {
                fixed (byte* p = rgba)
                    if (codec.GetPixels(info16, (nint)p) is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
                        throw new DicomImagingException($"{name} cannot be decoded");
            }
            var grey16 = new byte[w * h * 2];
            for (int i = 0; i < w * h; i++) { grey16[i * 2] = rgba[i * 8]; grey16[i * 2 + 1] = rgba[i * 8 + 1]; }
            return (Mono(w, h, 16), grey16);
        }
        var target = new SKImageInfo(w, h, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buffer = new byte[target.BytesSize];
        unsafe
        {
            fixed (byte* p = buffer)
                if (codec.GetPixels(target, (nint)p) is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
                    throw new DicomImagingException($"{name} cannot be decoded");
        }
        if (grey) return (Mono(w, h, 8), buffer);
        if (IsActuallyGrey(buffer)) return (Mono(w, h, 8), buffer.Where((_, i) => i % 4 == 0).ToArray());
        var rgb = new byte[w * h * 3];
        for (int i = 0, j = 0; i < buffer.Length; i += 4, j += 3) { rgb[j] = buffer[i]; rgb[j + 1] = buffer[i + 1]; rgb[j + 2] = buffer[i + 2]; }
        return (new PixelDataInfo { Rows = h, Columns = w, SamplesPerPixel = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, PhotometricInterpretation = "RGB" }, rgb);
    }

    /// <summary>X-rays saved as colour files carry equal R, G and B: store them as greyscale.</summary>
    private static bool IsActuallyGrey(byte[] rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
            if (rgba[i] != rgba[i + 1] || rgba[i] != rgba[i + 2]) return false;
        return true;
    }

    /// <summary>IHDR: bit depth at byte 24, colour type at 25 (0 = greyscale).</summary>
    private static bool IsSixteenBitGreyPng(byte[] b) => b.Length > 26 && b[24] == 16 && b[25] == 0;

    private static PixelDataInfo Mono(int w, int h, int bits) => new()
    {
        Rows = h, Columns = w, SamplesPerPixel = 1, BitsAllocated = bits, BitsStored = bits, HighBit = bits - 1, PhotometricInterpretation = "MONOCHROME2",
    };

    private static (PixelDataInfo, byte[]) DecodeTiff(byte[] bytes, string name)
    {
        using var tiff = Tiff.ClientOpen(name, "r", new MemoryStream(bytes), new TiffStream())
            ?? throw new DicomImagingException($"{name} is not a readable TIFF image");
        int w = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt(), h = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        int bits = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
        int spp = tiff.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
        var photometric = (Photometric)(tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? 1);
        int planar = tiff.GetField(TiffTag.PLANARCONFIG)?[0].ToInt() ?? 1;
        if (w <= 0 || h <= 0 || (long)w * h > 100_000_000) throw new DicomImagingException($"{name}: image size {w}x{h} is not acceptable");
        if (bits is not (8 or 16) || spp is not (1 or 3 or 4) || planar != 1 || tiff.IsTiled() ||
            photometric is not (Photometric.MINISBLACK or Photometric.MINISWHITE or Photometric.RGB))
            throw new DicomImagingException($"{name}: TIFF with {bits} bits, {spp} samples, photometric {photometric} is not supported (8/16-bit greyscale or RGB, strips)");
        int lineBytes = tiff.ScanlineSize();
        var line = new byte[lineBytes];
        int bytesPerSample = bits / 8;
        int outSamples = spp == 1 ? 1 : 3;
        var pixels = new byte[w * h * outSamples * bytesPerSample];
        for (int y = 0; y < h; y++)
        {
            if (!tiff.ReadScanline(line, y)) throw new DicomImagingException($"{name}: scanline {y} cannot be read");
            for (int x = 0; x < w; x++)
                for (int s = 0; s < outSamples; s++)
                    for (int k = 0; k < bytesPerSample; k++)
                        pixels[((y * w + x) * outSamples + s) * bytesPerSample + k] = line[(x * spp + s) * bytesPerSample + k];
        }
        if (bits == 16 && !BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian host");
        var info = outSamples == 1
            ? Mono(w, h, bits) with { PhotometricInterpretation = photometric == Photometric.MINISWHITE ? "MONOCHROME1" : "MONOCHROME2" }
            : new PixelDataInfo { Rows = h, Columns = w, SamplesPerPixel = 3, BitsAllocated = bits, BitsStored = bits, HighBit = bits - 1, PhotometricInterpretation = "RGB" };
        return (info, pixels);
    }
}
