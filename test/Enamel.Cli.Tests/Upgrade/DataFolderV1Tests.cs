using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Server.Hosting;
using Enamel.Storage.Sql.Migrations;

namespace Enamel.Cli.Tests.Upgrade;

/// <summary>
/// test/Fixtures/datafolder-v1 was written by the release before numbered migrations (see its README). A copy opens
/// with this code: the migrations run, and every study, instance, account, token and audit entry is intact.
/// </summary>
public sealed class DataFolderV1Tests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string dir = Enamel.TempDir();

    // From the fixture's README.md (Study Instance UID, Patient ID, clinic, instances).
    private static readonly (string Study, string PatientId, string Clinic, int Instances)[] Studies =
    [
        ("1.2.826.0.1.3680043.8.498.12406831542731051035295345080039845114", "ID1", "main", 2),
        ("1.3.6.1.4.1.5962.1.2.4.20040826185059.5457", "4MR1", "main", 1),
        ("1.3.6.1.4.1.5962.1.2.8.20040826185059.5457", "8NM1", "north", 2),
    ];
    private static readonly string[] Users = ["admin", "drsmith", "privacy", "reception", "temp"];
    private const int AuditEntries = 107;

    /// <summary>A copy of the fixture, with the owner-only modes git does not keep.</summary>
    public static string CopyFixture(string into)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Fixtures", "datafolder-v1");
        Assert.True(File.Exists(Path.Combine(source, "index.db")), "the fixture was not copied next to the tests");
        var data = Path.Combine(into, "data");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(data, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        foreach (var d in Directory.EnumerateDirectories(data, "*", SearchOption.AllDirectories).Append(data))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return data;
    }

    [Fact]
    public async Task Open_FolderOfTheReleaseBeforeMigrations_MigratesAndKeepsEverything()
    {
        var data = CopyFixture(dir);
        var options = new EnamelOptions { DataDirectory = data, Clinic = "main" };
        var folder = await DataFolder.OpenExistingAsync(options, TimeProvider.System, Ct);
        var sql = folder.Index.Dialect;
        Assert.Equal(Migrations.Latest, await new MigrationRunner(sql).CurrentVersionAsync(Ct));

        // Studies and instances: each listed, its blob decrypts under the patient's key to the same SOP Instance.
        int instances = 0;
        foreach (var (study, patientId, clinic, count) in Studies)
        {
            var patient = await folder.Patients.FindByDicomIdAsync(patientId, "", Ct);
            Assert.NotNull(patient);
            Assert.Equal(clinic, patient.Clinic);
            Assert.Equal(patient.Key, (await folder.Index.FindStudyPatientAsync(study, Ct))!.PatientKey);
            var listed = await folder.Index.ListInstancesAsync(study, null, null, Ct);
            Assert.Equal(count, listed.Count);
            foreach (var instance in listed)
            {
                await using var blob = await folder.Blobs.OpenReadAsync(instance.Blob.Id, Ct);
                var bytes = new MemoryStream();
                await blob.CopyToAsync(bytes, Ct);
                Assert.Equal(instance.Blob.Length, bytes.Length);
                bytes.Position = 0;
                var file = DicomFile.Open(bytes);
                Assert.Equal(instance.SopInstanceUid, file.Dataset.GetString(DicomTags.SOPInstanceUID));
                Assert.Equal(study, file.Dataset.GetString(DicomTags.StudyInstanceUID));
                instances++;
            }
        }
        Assert.Equal(5, instances);
        Assert.Equal(5, await folder.Index.ListAllInstancesAsync(Ct).CountAsync(Ct));
        Assert.Equal(6, (await folder.Index.ReferencedBlobIdsAsync(Ct)).Count); // five instances and one kept version

        // Accounts: every user with their roles; the disabled one still disabled; the custom role still defined.
        var users = await folder.Security.Users.ListAsync(Ct);
        Assert.Equal(Users, users.Select(u => u.UserName).Order(StringComparer.Ordinal));
        Assert.True(users.Single(u => u.UserName == "temp").Disabled);
        Assert.Equal(["dentist"], users.Single(u => u.UserName == "drsmith").Roles);
        Assert.Equal(new HashSet<string> { "main", "north" }, users.Single(u => u.UserName == "drsmith").Clinics);
        Assert.NotNull(await folder.Security.Roles.FindAsync("xray-reader", Ct));

        // Tokens: the live one still authenticates as drsmith with its scope; the revoked one is still revoked.
        var tokens = new ApiTokens(folder.Security.Tokens, folder.Security.Users, folder.Security.Changes, new AccountOptions(), TimeProvider.System);
        var secret = File.ReadAllText(Path.Combine(data, "fixture-token.txt")).Trim();
        var actor = await tokens.AuthenticateAsync(secret, "test", Ct);
        Assert.NotNull(actor);
        Assert.Equal("drsmith", actor.UserName);
        Assert.Equal(2, actor.TokenScope!.Count);
        var drsmith = users.Single(u => u.UserName == "drsmith");
        var listedTokens = await folder.Security.Tokens.ListForUserAsync(drsmith.Id, Ct);
        Assert.Equal(["cbct-unit", "old-scanner"], listedTokens.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.NotNull(listedTokens.Single(t => t.Name == "old-scanner").Revoked);

        // Audit: the entries of the old release, unchanged, and the chain with its signed checkpoint verifies.
        var trail = await folder.Security.Audit.ReadAsync(1, Ct).ToListAsync(Ct);
        Assert.Equal(AuditEntries, trail.Count);
        Assert.Equal(Enumerable.Range(1, trail.Count).Select(i => (long)i), trail.Select(r => r.Sequence));
        Assert.Equal(["Amend", "Create", "Read", "RoleDefine", "TokenCreate", "TokenRevoke", "UserCreate", "UserDisable"],
            trail.Select(r => AuditText(r)).Distinct().Order(StringComparer.Ordinal));
        Assert.Single(await folder.Security.Audit.ReadCheckpointsAsync(Ct));
        var verified = await new AuditVerifier(folder.AuditSigner).VerifyAsync(folder.Security.Audit, Ct);
        Assert.True(verified.Intact, verified.Message);

        // The old release kept names, Patient IDs and descriptions in the clear in index.db: now sealed, the file wiped of them,
        // and still found by a search (through the blind index).
        var lestrade = Assert.Single(await folder.Index.SearchAsync(new StudyQuery
        {
            Filters = new Dictionary<DicomTag, string> { [DicomTags.PatientName] = "lestrade*" },
        }, Ct));
        Assert.Equal("ID1", lestrade[DicomTags.PatientID]);
        var nm = Assert.Single(await folder.Index.SearchAsync(new StudyQuery
        {
            Filters = new Dictionary<DicomTag, string> { [DicomTags.PatientID] = "8NM1" },
        }, Ct));
        Assert.Equal("Whole Body Bone", nm[DicomTags.StudyDescription]);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(data, "index.db*"))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var v in new[] { "Lestrade", "CompressedSamples", "4MR1", "8NM1", "Whole Body Bone" })
                Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(v)) >= 0, $"'{v}' is still in the clear in {Path.GetFileName(file)}");
        }

        // And the real command, as an operator would run it after the upgrade.
        var verify = Enamel.Run("audit", "verify", "--data", data);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.StartsWith("intact", verify.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditVerify_OnTheFixtureCopy_PassesAfterTheCommandMigratesIt()
    {
        var data = CopyFixture(dir);
        var verify = Enamel.Run("audit", "verify", "--data", data);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.StartsWith("intact", verify.StdOut, StringComparison.Ordinal);
        var list = Enamel.Run("users", "list", "--data", data);
        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.Equal(Users, list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).Order(StringComparer.Ordinal));
    }

    private static string AuditText(AuditRecord r) => r.Event.Action.ToString();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dir, recursive: true);
    }
}
