using BitMiracle.LibTiff.Classic;
using Enamel.Dicom;
using SkiaSharp;

namespace Enamel.Cli.Tests.Dicom;

/// <summary>Plain X-ray images (JPEG, PNG, 16-bit TIFF) import as Secondary Capture with the patient a CSV mapping gives.</summary>
public sealed class ImageImportTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task Import_ImagesWithCsvMapping_StoredAsValidSecondaryCaptureWithExactPixels()
    {
        var source = Path.Combine(dir, "xrays");
        Directory.CreateDirectory(source);
        var grey = new byte[64 * 48];
        for (int i = 0; i < grey.Length; i++) grey[i] = (byte)(i * 7);
        SavePng(Path.Combine(source, "bitewing.png"), grey, 64, 48);
        var tiffPixels = new ushort[40 * 30];
        for (int i = 0; i < tiffPixels.Length; i++) tiffPixels[i] = (ushort)(i * 37 % 4096);
        SaveTiff16(Path.Combine(source, "pan.tif"), tiffPixels, 40, 30);
        SaveJpeg(Path.Combine(source, "photo.jpg"), 32, 32);
        File.WriteAllText(Path.Combine(dir, "map.csv"),
            "file,patient_id,patient_name,birth_date,sex,modality,study_date\n" +
            "bitewing.png,P-7,\"Chan^Tai Man\",19900102,M,IO,20260110\n" +
            "pan.tif,P-7,\"Chan^Tai Man\",19900102,M,PX,20260110\n");
        var data = Path.Combine(dir, "data");

        Enamel.AddUser(data, "importer", "hygienist");
        var r = Enamel.Run("import", source, "--data", data, "--as", "importer", "--mapping", Path.Combine(dir, "map.csv"), "--report", Path.Combine(dir, "report.tsv"));

        Assert.Contains("imported: 2", r.StdOut);
        Assert.Contains("photo.jpg\tnotdicom\tplain image without a patient mapping", File.ReadAllText(Path.Combine(dir, "report.tsv")));
        var folder = await global::Enamel.Server.Hosting.DataFolder.OpenOrCreateAsync(new global::Enamel.Server.Hosting.EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var rows = await folder.Index.SearchAsync(new global::Enamel.Core.Studies.StudyQuery { Level = global::Enamel.Core.Studies.QueryLevel.Instance }, default);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal("P-7", row[DicomTags.PatientID]));
        Assert.Single(rows.Select(row => row[DicomTags.StudyInstanceUID]).Distinct());
        foreach (var row in rows)
        {
            var stored = await folder.Index.FindInstanceAsync(row[DicomTags.SOPInstanceUID], default);
            await using var blob = await folder.Blobs.OpenReadAsync(stored!.Blob.Id, default);
            var path = Path.Combine(dir, row[DicomTags.SOPInstanceUID] + ".dcm");
            await using (var fs = File.Create(path)) await blob.CopyToAsync(fs);
            using var file = DicomFile.Open(path);
            var ds = file.Dataset;
            Assert.Equal("1.2.840.10008.5.1.4.1.1.7", ds.GetString(DicomTags.SOPClassUID));
            Assert.Equal("Chan^Tai Man", ds.GetString(DicomTags.PatientName));
            var pixels = ((DicomValueElement)ds[DicomTags.PixelData]!).Value.GetMemory().ToArray();
            if (ds.GetString(DicomTags.Modality) == "IO")
                Assert.Equal(grey, pixels);
            else
            {
                Assert.Equal(16, ds.GetInt32(DicomTags.BitsAllocated));
                Assert.Equal(tiffPixels, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(pixels).ToArray());
            }
            // dciodvfy (dicom3tools) accepts the Secondary Capture object: no errors.
            var check = Enamel.RunTool("dciodvfy", path);
            Assert.True(!(check.StdErr + check.StdOut).Contains("Error", StringComparison.Ordinal), check.StdErr + check.StdOut);
        }
    }

    [Fact]
    public void Import_MappingWithBadDate_Exit1()
    {
        File.WriteAllText(Path.Combine(dir, "bad.csv"), "file,patient_id,patient_name,birth_date\nx.png,P,Doe^J,1990-01-02\n");
        var r = Enamel.Run("import", dir, "--data", Path.Combine(dir, "data"), "--mapping", Path.Combine(dir, "bad.csv"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("birth date must be YYYYMMDD", r.StdErr);
    }

    private static void SavePng(string path, byte[] grey, int w, int h)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void SaveJpeg(string path, int w, int h)
    {
        using var bitmap = new SKBitmap(w, h);
        bitmap.Erase(SKColors.Coral);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static void SaveTiff16(string path, ushort[] pixels, int w, int h)
    {
        using var tiff = Tiff.Open(path, "w");
        tiff.SetField(TiffTag.IMAGEWIDTH, w);
        tiff.SetField(TiffTag.IMAGELENGTH, h);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 16);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.ROWSPERSTRIP, h);
        var line = new byte[w * 2];
        for (int y = 0; y < h; y++)
        {
            Buffer.BlockCopy(pixels, y * w * 2, line, 0, line.Length);
            tiff.WriteScanline(line, y);
        }
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
