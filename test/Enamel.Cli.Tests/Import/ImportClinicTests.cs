using Enamel.Dicom;

namespace Enamel.Cli.Tests.Import;

/// <summary>`enamel import --clinic`: new patients go to the named clinic (default Enamel:Clinic); existing ones keep theirs.</summary>
public sealed class ImportClinicTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task Import_WithClinic_PutsNewPatientsThere_ExistingPatientsKeepTheirClinic()
    {
        var data = Path.Combine(dir, "data");
        var ct = Path.Combine(dir, "ct");
        var mr = Path.Combine(dir, "mr");
        Directory.CreateDirectory(ct);
        Directory.CreateDirectory(mr);
        File.Copy(Enamel.Sample("CT_small.dcm"), Path.Combine(ct, "ct.dcm"));
        File.Copy(Enamel.Sample("MR_small.dcm"), Path.Combine(mr, "mr.dcm"));

        var first = Enamel.Run("import", ct, "--data", data, "--clinic", "north", "--report", Path.Combine(dir, "r1.tsv"));
        Assert.True(first.ExitCode == 0, first.StdErr);
        var second = Enamel.Run("import", mr, "--data", data, "--report", Path.Combine(dir, "r2.tsv"));
        Assert.True(second.ExitCode == 0, second.StdErr);

        var folder = await global::Enamel.Server.Hosting.DataFolder.OpenAsync(new global::Enamel.Server.Hosting.EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        string Study(string file)
        {
            using var f = DicomFile.Open(Enamel.Sample(file));
            return f.Dataset.GetString(DicomTags.StudyInstanceUID)!;
        }
        Assert.Equal("north", (await folder.Index.FindStudyPatientAsync(Study("CT_small.dcm"), default))!.Clinic);
        Assert.Equal("main", (await folder.Index.FindStudyPatientAsync(Study("MR_small.dcm"), default))!.Clinic);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
