using Enamel.Core.History;
using Enamel.Core.Notes;
using Enamel.Core.Records;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Records;

/// <summary>`enamel records entries list|show`: a patient's entries through the same verbs as the JSON API, decided per category.</summary>
public sealed class RecordsEntriesTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task ListAndShow_AsTheRoleTableSays()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "dr-main", "dentist");
        Enamel.AddUser(data, "front", "receptionist");
        var added = Enamel.Run("patients", "add", "--family", "Chan", "--given", "Tai Man", "--chart", "CLI-E1", "--data", data, "--as", "front");
        Assert.True(added.ExitCode == 0, added.StdErr);
        long patient = long.Parse(added.StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);

        string condition, note;
        {
            var folder = await DataFolder.OpenExistingAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
            condition = (await folder.Entries.AddAsync(patient, new Condition(new Coding(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), "active", "2019-05", "2026-01-10"),
                new VersionNote("dr", "first visit"), default)).Id;
            await folder.Entries.ReviseAsync(RecordKind.Condition, condition, 1, new Condition(new Coding(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), "resolved", "2019-05", "2026-01-10"),
                new VersionNote("dr", "HbA1c normal"), default);
            note = (await folder.Entries.AddAsync(patient, new ClinicalNote("Exam", "Caries on 36 distal.", "2026-01-10"), new VersionNote("dr", "exam"), default)).Id;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        var list = Enamel.Run("records", "entries", "list", patient.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data, "--as", "dr-main");
        Assert.True(list.ExitCode == 0, list.StdErr);
        var lines = list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("kind\tid\tversion\tstatus", lines[0], StringComparison.Ordinal);
        Assert.Equal([$"note\t{note}\t1\tcurrent\tdraft", $"condition\t{condition}\t2\tcurrent\tresolved"], lines[1..].Select(l => string.Join('\t', l.Split('\t')[..5])));

        var show = Enamel.Run("records", "entries", "show", "condition", condition, "--version", "1", "--data", data, "--as", "dr-main");
        Assert.True(show.ExitCode == 0, show.StdErr);
        Assert.Contains("version 1 (superseded)", show.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"clinicalStatus\": \"active\"", show.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, Enamel.Run("records", "entries", "show", "condition", condition, "--history", "--data", data, "--as", "dr-main").StdOut
            .Split('\n').Count(l => l.StartsWith("condition ", StringComparison.Ordinal)));

        // The record kernel's history sees the entry's versions too (their reasons stay sealed with the entry).
        var kernel = Enamel.Run("records", "history", "condition", condition, "--data", data, "--as", "dr-main");
        Assert.True(kernel.ExitCode == 0, kernel.StdErr);
        Assert.Equal(["1\tsuperseded", "2\tcurrent"], kernel.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..].Select(l => string.Join('\t', l.Split('\t')[..2])));

        // The receptionist: no notes, no medical history; listing everything leaves them out.
        Assert.Equal(ExitCodes.NotAuthorized, Enamel.Run("records", "entries", "show", "note", note, "--data", data, "--as", "front").ExitCode);
        Assert.Equal(ExitCodes.NotAuthorized, Enamel.Run("records", "entries", "list", patient.ToString(System.Globalization.CultureInfo.InvariantCulture), "--kind", "condition", "--data", data, "--as", "front").ExitCode);
        var front = Enamel.Run("records", "entries", "list", patient.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data, "--as", "front");
        Assert.True(front.ExitCode == 0, front.StdErr);
        Assert.Single(front.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header only
        Assert.Equal(ExitCodes.Usage, Enamel.Run("records", "entries", "show", "x-ray", note, "--data", data, "--as", "dr-main").ExitCode);
        Assert.Equal(ExitCodes.Invalid, Enamel.Run("records", "entries", "show", "allergy", condition, "--data", data, "--as", "dr-main").ExitCode);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
