namespace Enamel.Cli.Tests.Dicom;

/// <summary>The `enamel dicom …` commands as a dcmtk user would run them: output, exit codes, and files peers accept.</summary>
public sealed class DicomCommandTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public void Dump_Sample_ListsElements_MissingFile_Exit2()
    {
        var ok = Enamel.Run("dicom", "dump", Enamel.Sample("CT_small.dcm"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("(0010,0010) PN [CompressedSamples^CT1]", ok.StdOut);
        var missing = Enamel.Run("dicom", "dump", Path.Combine(dir, "nope.dcm"));
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("E: ", missing.StdErr);
    }

    [Fact]
    public void Json_Sample_IsDicomJson()
    {
        var r = Enamel.Run("dicom", "json", Enamel.Sample("MR_small.dcm"));
        Assert.Equal(0, r.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(r.StdOut);
        Assert.Equal("MR", doc.RootElement.GetProperty("00080060").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public void Transcode_ToRle_AcceptedAndDecodedByDcmtk()
    {
        var output = Path.Combine(dir, "rle.dcm");
        var r = Enamel.Run("dicom", "transcode", Enamel.Sample("CT_small.dcm"), "--transfer-syntax", "1.2.840.10008.1.2.5", "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var back = Path.Combine(dir, "back.dcm");
        var drle = Enamel.RunTool("dcmdrle", output, back);
        Assert.True(drle.ExitCode == 0, drle.StdErr);
        var bad = Enamel.Run("dicom", "transcode", Enamel.Sample("CT_small.dcm"), "--transfer-syntax", "9.9.9", "-o", Path.Combine(dir, "x.dcm"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "x.dcm")));
    }

    [Fact]
    public void Render_Png_WritesImage_CompressedSampleToo()
    {
        foreach (var sample in new[] { "CT_small.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm" })
        {
            var output = Path.Combine(dir, sample + ".png");
            var r = Enamel.Run("dicom", "render", Enamel.Sample(sample), "--format", "png", "-o", output);
            Assert.True(r.ExitCode == 0, $"{sample}: {r.StdErr}");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(output)[..4]);
        }
    }

    [Fact]
    public void Validate_CompleteAndBrokenObjects_ExitCodes()
    {
        Assert.Equal(0, Enamel.Run("dicom", "validate", Enamel.Sample("MR_small.dcm")).ExitCode);
        var broken = Path.Combine(dir, "broken.dcm");
        using (var f = global::Enamel.Dicom.DicomFile.Open(Enamel.Sample("MR_small.dcm")))
        {
            f.Dataset.Remove(global::Enamel.Dicom.DicomTags.Rows);
            f.Save(broken);
        }
        var r = Enamel.Run("dicom", "validate", broken);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("(0028,0010)", r.StdOut + r.StdErr);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
