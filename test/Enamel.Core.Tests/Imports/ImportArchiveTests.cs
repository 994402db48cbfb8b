using System.Diagnostics;
using System.IO.Compression;
using Enamel.Core.Imports;
using Enamel.Core.Studies;
using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Core.Tests.Imports;

public sealed class ImportArchiveTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-import-tests", Guid.NewGuid().ToString("N"));
    private readonly string source;

    public ImportArchiveTests()
    {
        source = Path.Combine(root, "source");
        Directory.CreateDirectory(source);
    }

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "samples", name);

    private async Task<(ImportArchive Importer, SqlStudyIndex Index)> CreateAsync()
    {
        var data = Path.Combine(root, "data");
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(data, "master.key"), TimeProvider.System);
        var keyring = new FileKeyring(Path.Combine(data, "keys"), master, TimeProvider.System);
        var archive = await SqlArchive.OpenAsync(SqlDialect.Sqlite(Path.Combine(data, "index.db")), keyring,
            new Enamel.Core.Audit.AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }), TimeProvider.System, "main", Ct);
        var index = archive.Index;
        var store = new StoreInstance(new FileSystemBlobStore(Path.Combine(data, "store"), keyring), keyring, index, archive.Patients, archive.Changes);
        return (new ImportArchive(store, new IngestTarget("main") { Authorize = (_, _) => Task.FromResult(IngestDecision.Allow) }, Path.Combine(data, "imports")), index);
    }

    [Fact]
    public async Task Import_FolderWithZipAndJunk_ImportsDicomReportsTheRest_AndResumes()
    {
        Directory.CreateDirectory(Path.Combine(source, "a", "b"));
        File.Copy(Sample("CT_small.dcm"), Path.Combine(source, "a", "ct.dcm"));
        File.Copy(Sample("CT_small.dcm"), Path.Combine(source, "a", "b", "ct-copy.dcm"));
        File.Copy(Sample("rtplan.dcm"), Path.Combine(source, "a", "b", "plan"));
        File.WriteAllText(Path.Combine(source, "notes.txt"), "not an image");
        using (var zip = ZipFile.Open(Path.Combine(source, "more.zip"), ZipArchiveMode.Create))
        {
            zip.CreateEntryFromFile(Sample("MR_small.dcm"), "mr/1.dcm");
            zip.CreateEntryFromFile(Sample("JPEG2000.dcm"), "j2k.dcm");
        }
        var (importer, index) = await CreateAsync();

        var lines = await importer.ExecuteAsync(source, null, Ct);

        string Outcome(string name) { var l = lines.Single(l => l.Name.EndsWith(name, StringComparison.Ordinal)); return l.Outcome == ImportOutcome.Imported ? "Imported" : $"{l.Outcome}: {l.Reason}"; }
        // The same object twice: the first one met (ordinal path order) is imported, the other is a duplicate.
        Assert.Equal("Imported", Outcome("ct-copy.dcm"));
        Assert.StartsWith("Duplicate", Outcome("a/ct.dcm"));
        Assert.Equal("Imported", Outcome("plan"));
        Assert.StartsWith("NotDicom", Outcome("notes.txt"));
        Assert.Equal("Imported", Outcome("more.zip!mr/1.dcm"));
        Assert.Equal("Imported", Outcome("more.zip!j2k.dcm"));
        Assert.Equal(4, (await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance }, Ct)).Count);

        var again = await importer.ExecuteAsync(source, null, Ct);
        Assert.All(again.Where(l => !l.Name.EndsWith("notes.txt", StringComparison.Ordinal)), l => Assert.Equal(ImportOutcome.AlreadyDone, l.Outcome));

        var report = Path.Combine(root, "report.tsv");
        await ImportArchive.WriteReportAsync(report, lines, Ct);
        var text = await File.ReadAllTextAsync(report);
        Assert.Contains("notes.txt\tnotdicom\t", text);
        Assert.Contains("a/ct.dcm\tduplicate\t", text);
        Assert.DoesNotContain("ct-copy.dcm", text);
    }

    [Fact]
    public async Task Import_DicomDirMadeByDcmtk_ImportsReferencedFiles()
    {
        Directory.CreateDirectory(Path.Combine(source, "IMAGES"));
        File.Copy(Sample("CT_small.dcm"), Path.Combine(source, "IMAGES", "IM000001"));
        File.Copy(Sample("MR_small.dcm"), Path.Combine(source, "IMAGES", "IM000002"));
        var psi = new ProcessStartInfo("dcmmkdir") { WorkingDirectory = source, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--general-purpose", "+r", "-Pfl", "IMAGES" }) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException("dcmmkdir (dcmtk) is not installed"))
        {
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"dcmmkdir failed: {err}");
        }
        File.WriteAllText(Path.Combine(source, "IMAGES", "STRAY"), "not referenced by the DICOMDIR");
        var (importer, index) = await CreateAsync();

        var lines = await importer.ExecuteAsync(source, null, Ct);

        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(ImportOutcome.Imported, l.Outcome));
        Assert.Equal(2, (await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance }, Ct)).Count);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
