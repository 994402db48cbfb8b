using Enamel.Core.Audit;
using Enamel.Dicom;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Records;

/// <summary>`enamel records history KIND ID`: an imported instance's version 1, decided for the item's patient and audited.</summary>
public sealed class RecordsHistoryTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task History_OfAnImportedInstance_ShowsVersion1_ReachAndRoleDecide()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "dr-main", "dentist");
        Enamel.AddUser(data, "front", "receptionist");
        Assert.True(Enamel.Run("users", "add", "dr-north", "--role", "dentist", "--clinic", "north", "--data", data).ExitCode == 0);
        Assert.True(Enamel.Run("users", "add", "dr-both", "--role", "dentist", "--clinic", "main", "--clinic", "north", "--data", data).ExitCode == 0);
        Enamel.ImportSample(data, dir, "CT_small.dcm", "dr-main", "main");
        Enamel.ImportSample(data, dir, "MR_small.dcm", "dr-both", "north");
        using var ct = DicomFile.Open(Enamel.Sample("CT_small.dcm"));
        using var mr = DicomFile.Open(Enamel.Sample("MR_small.dcm"));
        var sop = ct.Dataset.GetString(DicomTags.SOPInstanceUID)!;
        Enamel.Result History(string user, string kind = "instance", string? id = null) =>
            Enamel.Run("records", "history", kind, id ?? sop, "--data", data, "--as", user);

        var shown = History("dr-main");
        Assert.True(shown.ExitCode == 0, shown.StdErr);
        var lines = shown.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("version\tstatus\ttime\tauthor\treason", lines[0], StringComparison.Ordinal);
        var v1 = Assert.Single(lines[1..]).Split('\t');
        var folder = await DataFolder.OpenExistingAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var author = await folder.Security.Users.FindByNameAsync("dr-main", default);
        Assert.Equal(["1", "current"], v1[..2]);
        Assert.Equal((author!.Id, "received via import"), (v1[3], v1[4]));

        // A north patient's instance, asked by a dentist of main only: answered as an instance that does not exist.
        var beyond = History("dr-main", id: mr.Dataset.GetString(DicomTags.SOPInstanceUID)!);
        var none = History("dr-main", id: "9.9.9.9");
        Assert.Equal((ExitCodes.Invalid, ExitCodes.Invalid), (beyond.ExitCode, none.ExitCode));
        Assert.Equal(none.StdErr, beyond.StdErr);
        Assert.Equal(0, History("dr-both", id: mr.Dataset.GetString(DicomTags.SOPInstanceUID)!).ExitCode);
        // Like every data-folder command, it is decided first for the group's clinic (Enamel:Clinic): not a member, refused.
        Assert.Equal(ExitCodes.NotAuthorized, History("dr-north").ExitCode);
        Assert.Equal(ExitCodes.NotAuthorized, History("front").ExitCode); // no imaging read
        Assert.Equal(ExitCodes.Usage, History("dr-main", kind: "x-ray").ExitCode);
        Assert.Equal(ExitCodes.Invalid, History("dr-main", kind: "note").ExitCode); // a kind with history, but no such note

        var trail = new List<AuditRecord>();
        await foreach (var r in folder.Security.Audit.ReadAsync(0, default)) trail.Add(r);
        Assert.Contains(trail, r => r.Event.ActorId == author.Id && r.Event.Object == "Imaging instance " + sop && r.Event.Action == "Read" && r.Event.Outcome == AuditOutcome.Success);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
