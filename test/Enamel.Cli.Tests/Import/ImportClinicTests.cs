using Enamel.Dicom;

namespace Enamel.Cli.Tests.Import;

/// <summary>`enamel import --as USER --clinic`: new patients go to the named clinic (default Enamel:Clinic); existing ones keep theirs; each patient is decided for the account.</summary>
public sealed class ImportClinicTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task Import_WithClinic_PutsNewPatientsThere_ExistingPatientsKeepTheirClinic()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        var ct = Path.Combine(dir, "ct");
        var mr = Path.Combine(dir, "mr");
        Directory.CreateDirectory(ct);
        Directory.CreateDirectory(mr);
        File.Copy(Enamel.Sample("CT_small.dcm"), Path.Combine(ct, "ct.dcm"));
        File.Copy(Enamel.Sample("MR_small.dcm"), Path.Combine(mr, "mr.dcm"));

        var both = Enamel.Run("users", "add", "dr-both", "--role", "dentist", "--clinic", "north", "--clinic", "main", "--data", data);
        Assert.True(both.ExitCode == 0, both.StdErr);
        Enamel.AddUser(data, "dr-main", "dentist");

        // A dentist of "main" only may not create a patient in "north", nor store into north's existing patient.
        var outside = Enamel.Run("import", ct, "--data", data, "--as", "dr-main", "--clinic", "north", "--report", Path.Combine(dir, "r0.tsv"));
        Assert.Equal(ExitCodes.Invalid, outside.ExitCode);
        Assert.Contains("refused", File.ReadAllText(Path.Combine(dir, "r0.tsv")));

        var first = Enamel.Run("import", ct, "--data", data, "--as", "dr-both", "--clinic", "north", "--report", Path.Combine(dir, "r1.tsv"));
        Assert.True(first.ExitCode == 0, first.StdErr);
        var second = Enamel.Run("import", mr, "--data", data, "--as", "dr-both", "--report", Path.Combine(dir, "r2.tsv"));
        Assert.True(second.ExitCode == 0, second.StdErr);
        // The same CT from another folder (the resume journal is per source): north's existing patient, refused to dr-main.
        var copy = Path.Combine(dir, "ct-copy");
        Directory.CreateDirectory(copy);
        File.Copy(Enamel.Sample("CT_small.dcm"), Path.Combine(copy, "ct.dcm"));
        var again = Enamel.Run("import", copy, "--data", data, "--as", "dr-main", "--report", Path.Combine(dir, "r3.tsv"), "--clinic", "main");
        Assert.Equal(ExitCodes.Invalid, again.ExitCode);

        var folder = await global::Enamel.Server.Hosting.DataFolder.OpenOrCreateAsync(new global::Enamel.Server.Hosting.EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
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
