using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The study index and ingest contract, run against SQLite and against a real PostgreSQL.</summary>
public abstract class StudyIndexContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly IngestTarget Main = new("main");
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-index-tests", Guid.NewGuid().ToString("N"));

    protected StudyIndexContract()
    {
        Directory.CreateDirectory(root);
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(root, "master.key"), TimeProvider.System);
        Keyring = new FileKeyring(Path.Combine(root, "keys"), master, TimeProvider.System);
        Blobs = new FileSystemBlobStore(Path.Combine(root, "store"), Keyring);
    }

    protected abstract SqlDialect CreateDialect(string folder);

    private FileKeyring Keyring { get; }
    private FileSystemBlobStore Blobs { get; }

    private async Task<(SqlStudyIndex Index, StoreInstance Store)> CreateAsync()
    {
        var index = new SqlStudyIndex(CreateDialect(root), TimeProvider.System, "main");
        await index.InitializeAsync(Ct);
        return (index, new StoreInstance(Blobs, Keyring, index));
    }

    private static byte[] Instance(string patientId, string name, string studyUid, string seriesUid, string sopUid,
        string modality = "IO", string date = "20260105", string birth = "19800101")
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        ds.SetString(DicomTags.StudyDate, DicomVR.DA, date);
        ds.SetString(DicomTags.Modality, DicomVR.CS, modality);
        ds.SetString(DicomTags.PatientName, DicomVR.PN, name);
        ds.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
        ds.SetString(DicomTags.PatientBirthDate, DicomVR.DA, birth);
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid);
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, new byte[200_000]);
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task Store_NewInstance_IsIndexedAndReadableBitExact()
    {
        var (index, store) = await CreateAsync();
        var bytes = Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1");
        var result = await store.ExecuteAsync(new MemoryStream(bytes), Main, Ct);
        Assert.Equal(StoreStatus.Stored, result.Status);

        var stored = await index.FindInstanceAsync("1.2.3.1.1", Ct);
        Assert.NotNull(stored);
        await using var s = await Blobs.OpenReadAsync(stored.Blob.Id, Ct);
        var back = new MemoryStream();
        await s.CopyToAsync(back);
        Assert.Equal(bytes, back.ToArray());
    }

    [Fact]
    public async Task Store_SameInstanceTwice_IsIdempotent_DifferentBytesConflict()
    {
        var (_, store) = await CreateAsync();
        var bytes = Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1");
        Assert.Equal(StoreStatus.Stored, (await store.ExecuteAsync(new MemoryStream(bytes), Main, Ct)).Status);
        Assert.Equal(StoreStatus.AlreadyStored, (await store.ExecuteAsync(new MemoryStream(bytes), Main, Ct)).Status);
        var changed = Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1", date: "20260106");
        Assert.Equal(StoreStatus.Conflict, (await store.ExecuteAsync(new MemoryStream(changed), Main, Ct)).Status);
    }

    [Fact]
    public async Task Store_KeepVersions_DifferentBytesBecomeCurrent_OldVersionKept()
    {
        var (index, _) = await CreateAsync();
        var store = new StoreInstance(Blobs, Keyring, index, keepVersions: true);
        var first = Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1");
        var second = Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1", date: "20260106");
        Assert.Equal(StoreStatus.Stored, (await store.ExecuteAsync(new MemoryStream(first), Main, Ct)).Status);
        Assert.Equal(StoreStatus.StoredNewVersion, (await store.ExecuteAsync(new MemoryStream(second), Main, Ct)).Status);
        Assert.Equal(StoreStatus.AlreadyStored, (await store.ExecuteAsync(new MemoryStream(second), Main, Ct)).Status);

        var current = await index.FindInstanceAsync("1.2.3.1.1", Ct);
        await using (var s = await Blobs.OpenReadAsync(current!.Blob.Id, Ct))
        {
            var back = new MemoryStream();
            await s.CopyToAsync(back);
            Assert.Equal(second, back.ToArray());
        }
        // Both blobs are referenced, so the orphan sweep keeps the old version.
        Assert.Equal(2, (await index.ReferencedBlobIdsAsync(Ct)).Count);
        Assert.Single(await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance }, Ct));
    }

    [Fact]
    public async Task Store_SamePatientIdDifferentName_IsFlaggedNotMerged()
    {
        var (_, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1")), Main, Ct);
        var result = await store.ExecuteAsync(new MemoryStream(Instance("P1", "ROE^RICHARD", "1.2.4", "1.2.4.1", "1.2.4.1.1")), Main, Ct);
        Assert.Equal(StoreStatus.StoredFlaggedForReview, result.Status);
    }

    [Fact]
    public async Task Store_MissingStudyUid_IsRefusedAndNothingStored()
    {
        var (index, store) = await CreateAsync();
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.9");
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        var ex = await Assert.ThrowsAsync<InvalidInstanceException>(() => store.ExecuteAsync(new MemoryStream(ms.ToArray()), Main, Ct));
        Assert.Contains("Study Instance UID", ex.Message);
        Assert.Empty(await index.ReferencedBlobIdsAsync(Ct));
        await foreach (var _ in Blobs.ListAsync(Ct)) Assert.Fail("a blob was left behind");
    }

    [Fact]
    public async Task Search_MatchingKinds_ReturnExpectedStudies()
    {
        var (index, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1", "IO", "20260105")), Main, Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.2", "1.2.3.2.1", "PX", "20260105")), Main, Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("P2", "SMITH^JOHN", "1.2.4", "1.2.4.1", "1.2.4.1.1", "CT", "20250301", "19700101")), Main, Ct);

        async Task<string[]> Studies(params (DicomTag, string)[] filters) =>
            (await index.SearchAsync(new StudyQuery { Level = QueryLevel.Study, Filters = filters.ToDictionary(f => f.Item1, f => f.Item2) }, Ct))
            .Select(r => r[DicomTags.StudyInstanceUID]).Order().ToArray();

        Assert.Equal(["1.2.3", "1.2.4"], await Studies());
        Assert.Equal(["1.2.3"], await Studies((DicomTags.PatientID, "P1")));
        Assert.Equal(["1.2.4"], await Studies((DicomTags.PatientName, "smith*")));
        Assert.Equal(["1.2.3"], await Studies((DicomTags.StudyDate, "20260101-")));
        Assert.Equal(["1.2.4"], await Studies((DicomTags.StudyDate, "20250101-20251231")));
        Assert.Equal(["1.2.3", "1.2.4"], await Studies((DicomTags.StudyInstanceUID, "1.2.3\\1.2.4")));
        Assert.Equal(["1.2.3"], await Studies((DicomTags.ModalitiesInStudy, "PX")));
        Assert.Empty(await Studies((DicomTags.PatientID, "P%")));

        var study = (await index.SearchAsync(new StudyQuery { Filters = new Dictionary<DicomTag, string> { [DicomTags.StudyInstanceUID] = "1.2.3" } }, Ct)).Single();
        Assert.Equal("2", study[DicomTags.NumberOfStudyRelatedSeries]);
        Assert.Equal("2", study[DicomTags.NumberOfStudyRelatedInstances]);
        Assert.Equal(["IO", "PX"], study[DicomTags.ModalitiesInStudy].Split('\\').Order());

        var fuzzy = await index.SearchAsync(new StudyQuery { FuzzyMatching = true, Filters = new Dictionary<DicomTag, string> { [DicomTags.PatientName] = "jan" } }, Ct);
        Assert.Equal("1.2.3", Assert.Single(fuzzy)[DicomTags.StudyInstanceUID]);

        var page = await index.SearchAsync(new StudyQuery { Level = QueryLevel.Instance, Limit = 2, Offset = 1 }, Ct);
        Assert.Equal(2, page.Count);
        await Assert.ThrowsAsync<InvalidQueryException>(() => index.SearchAsync(new StudyQuery
        { Level = QueryLevel.Study, Filters = new Dictionary<DicomTag, string> { [DicomTags.SOPInstanceUID] = "1" } }, Ct));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class SqliteStudyIndexTests : StudyIndexContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStudyIndexTests(PostgresServer server) : StudyIndexContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
