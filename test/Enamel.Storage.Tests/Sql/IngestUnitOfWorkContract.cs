using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;
using Enamel.TestShared;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// Ingest as one change with its audit, against SQLite and a real PostgreSQL, through the entry points' own target
/// (<see cref="IngestTarget.For"/> over a real <see cref="AccessPolicy"/>): a new patient's registration, its
/// "new-patient-record" entry, the index rows and the entry of the decision that allowed the store commit together. An
/// audit append that fails leaves no instance, no patient and no blob; an index insert that fails leaves no patient and
/// no entry claiming a store (the decision itself is still audited).
/// </summary>
public abstract class IngestUnitOfWorkContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly Actor Dentist = new("u-dentist", "dentist", [RoleTable.Dentist], new HashSet<string> { "main" }) { Source = "127.0.0.1" };
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-ingest-uow-tests", Guid.NewGuid().ToString("N"));

    protected IngestUnitOfWorkContract() => Directory.CreateDirectory(root);

    protected abstract SqlDialect CreateDialect(string folder);

    private sealed record World(SqlDialect Dialect, SqlArchive Archive, FileSystemBlobStore Blobs, StoreInstance Store, IngestTarget Target);

    private async Task<World> CreateAsync()
    {
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(root, "master.key"), TimeProvider.System);
        var keyring = new FileKeyring(Path.Combine(root, "keys"), master, TimeProvider.System);
        var blobs = new FileSystemBlobStore(Path.Combine(root, "store"), keyring);
        var dialect = CreateDialect(root);
        var archive = await SqlArchive.OpenAsync(dialect, keyring, new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }),
            TimeProvider.System, "main", Ct);
        var policy = new AccessPolicy(archive.Security.Roles, archive.Security.BreakGlass, archive.Security.Audit, TimeProvider.System);
        var store = new StoreInstance(blobs, keyring, archive.Index, archive.Patients, archive.Changes);
        var target = IngestTarget.For(policy, Dentist, new Operation(RecordCategory.Imaging, RecordAction.Create), Purpose.Treatment, "main")
            with { Reason = IngestTarget.ReceivedVia("STOW-RS") };
        return new World(dialect, archive, blobs, store, target);
    }

    private static MemoryStream Instance(string patientId, string studyUid, string seriesUid, string sopUid)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "DOE^JANE");
        ds.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.SetGreyImage(32, 32);
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        ms.Position = 0;
        return ms;
    }

    private static async Task<List<AuditEvent>> EntriesAsync(World w) =>
        await w.Archive.Security.Audit.ReadAsync(1, Ct).Select(r => r.Event).ToListAsync(Ct);

    private static async Task<int> BlobCountAsync(World w) => await w.Blobs.ListAsync(Ct).CountAsync(Ct);

    [Fact]
    public async Task NewPatient_RegistrationIndexAndAudit_CommitTogether()
    {
        var w = await CreateAsync();
        Assert.Equal(StoreStatus.Stored, (await w.Store.ExecuteAsync(Instance("P1", "1.9.1", "1.9.1.1", "1.9.1.1.1"), w.Target, Ct)).Status);

        var patient = (await w.Archive.Patients.FindByDicomIdAsync("P1", "", Ct))!;
        var entries = await EntriesAsync(w);
        // The decision (a new patient in the clinic: no patient yet), now saying what it allowed, and the patient's own entry.
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, e => e.PatientKey is null && e.Detail == "role-permits; " + StoreInstance.InstanceStored && e.Object.Id == "1.9.1");
        Assert.Contains(entries, e => e.PatientKey == patient.Key && e.Detail == IngestTarget.NewPatientRecord);

        // An existing patient: one entry, under the patient.
        Assert.Equal(StoreStatus.Stored, (await w.Store.ExecuteAsync(Instance("P1", "1.9.1", "1.9.1.1", "1.9.1.1.2"), w.Target, Ct)).Status);
        var last = (await EntriesAsync(w)).Skip(2).Single();
        Assert.Equal((patient.Key, "role-permits; " + StoreInstance.InstanceStored), (last.PatientKey, last.Detail));
        // The same instance again is compared, not stored: its decision is audited without a claim of a store.
        Assert.Equal(StoreStatus.AlreadyStored, (await w.Store.ExecuteAsync(Instance("P1", "1.9.1", "1.9.1.1", "1.9.1.1.2"), w.Target, Ct)).Status);
        Assert.Equal("role-permits", (await EntriesAsync(w)).Skip(3).Single().Detail);
        Assert.True((await new AuditVerifier(new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }))
            .VerifyAsync(w.Archive.Security.Audit, Ct)).Intact);
    }

    [Fact]
    public async Task AuditAppendFails_NoInstanceNoPatientNoBlob()
    {
        var w = await CreateAsync();
        // Poison the chain: without its head row no entry can be appended.
        await MigrationsContract.ExecuteAsync(w.Dialect, "DELETE FROM audit_head");

        await Assert.ThrowsAsync<InvalidOperationException>(() => w.Store.ExecuteAsync(Instance("P1", "1.9.1", "1.9.1.1", "1.9.1.1.1"), w.Target, Ct));

        Assert.Null(await w.Archive.Index.FindInstanceAsync("1.9.1.1.1", Ct));
        Assert.Null(await w.Archive.Index.FindStudyPatientAsync("1.9.1", Ct));
        Assert.Null(await w.Archive.Patients.FindByDicomIdAsync("P1", "", Ct));
        Assert.Equal(0, await BlobCountAsync(w));
        Assert.Empty(await MigrationsContract.QueryAsync(w.Dialect, "SELECT seq FROM audit_log", r => r.GetInt64(0)));
    }

    [Fact]
    public async Task IndexInsertFails_NoPatientAndNoEntryClaimingAStore()
    {
        var w = await CreateAsync();
        Assert.Equal(StoreStatus.Stored, (await w.Store.ExecuteAsync(Instance("P1", "1.9.1", "1.9.1.1", "1.9.1.1.1"), w.Target, Ct)).Status);
        int before = (await EntriesAsync(w)).Count;

        // A new patient's instance whose series is already another study's: refused after the blob was written.
        await Assert.ThrowsAsync<InvalidInstanceException>(() => w.Store.ExecuteAsync(Instance("P2", "1.9.2", "1.9.1.1", "1.9.2.1.1"), w.Target, Ct));
        // A failing statement in the change (the version table gone): the registration and the index rows roll back with it.
        await MigrationsContract.ExecuteAsync(w.Dialect, "ALTER TABLE record_versions RENAME TO record_versions_gone");
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => w.Store.ExecuteAsync(Instance("P3", "1.9.3", "1.9.3.1", "1.9.3.1.1"), w.Target, Ct));

        Assert.Null(await w.Archive.Patients.FindByDicomIdAsync("P2", "", Ct));
        Assert.Null(await w.Archive.Patients.FindByDicomIdAsync("P3", "", Ct));
        Assert.Null(await w.Archive.Index.FindInstanceAsync("1.9.2.1.1", Ct));
        Assert.Null(await w.Archive.Index.FindInstanceAsync("1.9.3.1.1", Ct));
        Assert.Equal(1, await BlobCountAsync(w));
        // Each decision is still audited, as decided; none claims a store, and no patient record was reported created.
        var after = (await EntriesAsync(w)).Skip(before).ToList();
        Assert.Equal(2, after.Count);
        Assert.All(after, e => Assert.Equal("role-permits", e.Detail));
        Assert.Equal(["1.9.2", "1.9.3"], after.Select(e => e.Object.Id));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteIngestUnitOfWorkTests : IngestUnitOfWorkContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestUnitOfWorkTests(PostgresServer server) : IngestUnitOfWorkContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
