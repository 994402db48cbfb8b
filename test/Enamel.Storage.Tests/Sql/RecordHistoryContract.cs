using Enamel.TestShared;
using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// The record versions of stored instances (written in the index transaction) and the history port, on SQLite and on a
/// real PostgreSQL: version 1 on store, a new version supersedes the old one, entered-in-error withdraws the instance from
/// the index's reads and searches but keeps it stored, and nothing is overwritten.
/// </summary>
public abstract class RecordHistoryContract() : ArchiveContract("enamel-history-tests")
{
    private async Task<(SqlStudyIndex Index, SqlRecordHistory History, StoreInstance Store)> CreateAsync()
    {
        var dialect = CreateDialect(Root);
        var archive = await OpenArchiveAsync(dialect);
        var history = new SqlRecordHistory(dialect);
        return (archive.Index, history, new StoreInstance(Blobs, Keyring, archive.Index, archive.Patients, archive.Changes, keepVersions: true));
    }

    private static byte[] Instance(string sopUid, string date = "20260105")
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        ds.SetString(DicomTags.StudyDate, DicomVR.DA, date);
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "DOE^JANE");
        ds.SetString(DicomTags.PatientID, DicomVR.LO, "P1");
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3");
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, "1.2.3.1");
        ds.SetGreyImage(16, 16);
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        return ms.ToArray();
    }

    private static IngestTarget By(string author) =>
        new("main") { Author = author, Reason = IngestTarget.ReceivedVia("STOW-RS"), Authorize = (_, _) => Task.FromResult(IngestDecision.Allow) };

    [Fact]
    public async Task Store_WritesVersion1_ANewVersionSupersedesIt()
    {
        var (index, history, store) = await CreateAsync();
        Assert.Equal(StoreStatus.Stored, (await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.1")), By("user-a"), Ct)).Status);
        var patient = (await index.FindInstancePatientAsync("1.2.3.1.1", Ct))!;
        var item = new RecordRef(RecordKind.Instance, "1.2.3.1.1", patient.PatientKey, RecordCategory.Imaging);

        var v1 = Assert.Single(await history.ReadAsync(item, Ct));
        Assert.Equal((1, "user-a", "received via STOW-RS", VersionStatus.Current), (v1.Number, v1.AuthorId, v1.Reason, v1.Status));
        Assert.True(DateTimeOffset.UtcNow - v1.Time < TimeSpan.FromMinutes(5));

        Assert.Equal(StoreStatus.StoredNewVersion, (await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.1", date: "20260106")), By("user-b"), Ct)).Status);
        // The same bytes again are no new version.
        Assert.Equal(StoreStatus.AlreadyStored, (await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.1", date: "20260106")), By("user-b"), Ct)).Status);
        var versions = await history.ReadAsync(item, Ct);
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        Assert.Equal(VersionStatus.Superseded, versions[0].Status);
        Assert.Equal(("user-a", "received via STOW-RS"), (versions[0].AuthorId, versions[0].Reason)); // the old version's content is kept as it was
        Assert.Equal(("user-b", "superseded by version 2"), (versions[0].Changed!.AuthorId, versions[0].Changed!.Reason));
        Assert.Equal(("user-b", VersionStatus.Current), (versions[1].AuthorId, versions[1].Status));
    }

    [Fact]
    public async Task EnteredInError_WithdrawsTheInstanceFromReadsAndSearches_ButKeepsItStored()
    {
        var (index, history, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.1")), By("user-a"), Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.2")), By("user-a"), Ct);
        var patient = (await index.FindInstancePatientAsync("1.2.3.1.1", Ct))!;
        var item = new RecordRef(RecordKind.Instance, "1.2.3.1.1", patient.PatientKey, RecordCategory.Imaging);

        var marked = await history.MarkAsync(item, 1, VersionStatus.EnteredInError, new StatusChange("user-c", DateTimeOffset.UtcNow, "wrong patient"), Ct);
        Assert.Equal(VersionStatus.EnteredInError, marked!.Status);
        Assert.Equal(("user-c", "wrong patient"), (marked.Changed!.AuthorId, marked.Changed.Reason));
        // Forward only: an entered-in-error version cannot become current or superseded again, nor be marked twice.
        Assert.Null(await history.MarkAsync(item, 1, VersionStatus.EnteredInError, new StatusChange("user-c", DateTimeOffset.UtcNow, "again"), Ct));
        Assert.Null(await history.MarkAsync(item, 1, VersionStatus.Superseded, new StatusChange("user-c", DateTimeOffset.UtcNow, "no"), Ct));
        Assert.Null(await history.MarkAsync(item, 9, VersionStatus.EnteredInError, new StatusChange("user-c", DateTimeOffset.UtcNow, "none"), Ct));

        Assert.Equal(["1.2.3.1.2"], (await index.ListInstancesAsync("1.2.3", null, null, Ct)).Select(i => i.SopInstanceUid));
        Assert.Empty(await index.ListInstancesAsync("1.2.3", "1.2.3.1", "1.2.3.1.1", Ct));
        Assert.Equal(["1.2.3.1.2"], (await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance }, Ct)).Select(r => r[DicomTags.SOPInstanceUID]));
        Assert.Empty(await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance, Filters = new Dictionary<DicomTag, string> { [DicomTags.SOPInstanceUID] = "1.2.3.1.1" } }, Ct));
        var study = Assert.Single(await index.SearchAsync(new StudyQuery { Level = QueryLevel.Study }, Ct));
        Assert.Equal("1", study[DicomTags.NumberOfStudyRelatedInstances]);
        Assert.Equal("1", Assert.Single(await index.SearchAsync(new StudyQuery { Level = QueryLevel.Series }, Ct))[DicomTags.NumberOfSeriesRelatedInstances]);

        // Still stored, still owned, its blob still referenced, and its history readable.
        Assert.NotNull(await index.FindInstanceAsync("1.2.3.1.1", Ct));
        Assert.Equal(patient, await index.FindInstancePatientAsync("1.2.3.1.1", Ct));
        Assert.Equal(2, (await index.ReferencedBlobIdsAsync(Ct)).Count);
        Assert.Equal(VersionStatus.EnteredInError, Assert.Single(await history.ReadAsync(item, Ct)).Status);
    }

    [Fact]
    public async Task Owners_SeriesAndInstance_ResolveTheirPatient_UnknownIsNull()
    {
        var (index, _, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("1.2.3.1.1")), By("user-a"), Ct);
        var owners = new RecordOwners(ImagingOwners.All(index));
        var study = (await owners.ResolveAsync(RecordKind.Study, "1.2.3", Ct))!;
        var series = (await owners.ResolveAsync(RecordKind.Series, "1.2.3.1", Ct))!;
        var instance = (await owners.ResolveAsync(RecordKind.Instance, "1.2.3.1.1", Ct))!;
        var patient = (await owners.ResolveAsync(RecordKind.Patient, study.Item.PatientKey.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct))!;
        Assert.All(new[] { study, series, instance, patient }, o => Assert.Equal((study.Item.PatientKey, "main"), (o.Item.PatientKey, o.Clinic)));
        Assert.Equal(("series 1.2.3.1", RecordCategory.Imaging), (series.Item.ToString(), series.Item.Category));
        Assert.Equal(RecordCategory.Demographics, patient.Item.Category);
        foreach (var kind in RecordKind.All.Where(owners.Knows)) Assert.Null(await owners.ResolveAsync(kind, kind == RecordKind.Patient ? "99999" : "9.9.9", Ct));
        Assert.Null(await owners.ResolveAsync(RecordKind.Patient, "not-a-key", Ct));
    }

    [Fact]
    public async Task Append_NumbersVersions_AndSupersedesTheCurrentOne()
    {
        var (_, history, _) = await CreateAsync();
        var item = new RecordRef(RecordKind.Patient, "42", 42, RecordCategory.Demographics);
        var t = DateTimeOffset.UtcNow;
        Assert.Equal(1, (await history.AppendAsync(item, new VersionNote("a", "registered"), t, Ct)).Number);
        Assert.Equal(2, (await history.AppendAsync(item, new VersionNote("b", "address changed"), t.AddMinutes(1), Ct)).Number);
        var versions = await history.ReadAsync(item, Ct);
        Assert.Equal([(1, VersionStatus.Superseded, "registered"), (2, VersionStatus.Current, "address changed")],
            versions.Select(v => (v.Number, v.Status, v.Reason)));
        Assert.Equal(t.AddMinutes(1), versions[1].Time);
    }

}

public sealed class SqliteRecordHistoryTests : RecordHistoryContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRecordHistoryTests(PostgresServer server) : RecordHistoryContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
