using Enamel.TestShared;
using Enamel.Core.Access;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Sql;
using Enamel.Storage.Sql.Patients;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The study index and ingest contract, run against SQLite and against a real PostgreSQL.</summary>
public abstract class StudyIndexContract() : ArchiveContract("enamel-index-tests")
{
    private static readonly IngestTarget Main = AllowAll("main");

    /// <summary>A target whose decision allows every patient scope (the pipeline's own tests; the policy has its own).</summary>
    private static IngestTarget AllowAll(string clinic) => new(clinic) { Authorize = (_, _) => Task.FromResult(IngestDecision.Allow) };
    private Task<(SqlStudyIndex Index, StoreInstance Store)> CreateAsync() => CreateAsync(CreateDialect(Root), "main");

    private SqlPatientStore? patients;
    private SqlPatientStore Patients => patients ?? throw new InvalidOperationException("no archive opened");
    private SqlUnitOfWork? changes;
    private SqlUnitOfWork Changes => changes ?? throw new InvalidOperationException("no archive opened");

    private async Task<(SqlStudyIndex Index, StoreInstance Store)> CreateAsync(SqlDialect dialect, string defaultClinic)
    {
        var archive = await OpenArchiveAsync(dialect, defaultClinic);
        patients = archive.Patients;
        changes = archive.Changes;
        return (archive.Index, new StoreInstance(Blobs, Keyring, archive.Index, archive.Patients, archive.Changes));
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
        ds.SetGreyImage(250, 400);
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
    public async Task Store_TargetWithoutDecision_IsRefusedAndNothingWritten()
    {
        var (index, store) = await CreateAsync();
        var result = await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1")), new IngestTarget("main"), Ct);
        Assert.Equal(StoreStatus.Refused, result.Status);
        Assert.Null(await index.FindInstanceAsync("1.2.3.1.1", Ct));
        Assert.Null(await Patients.FindByDicomIdAsync("P1", "", Ct));
        await AssertNoOrphanBlobsAsync(index);
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
        var store = new StoreInstance(Blobs, Keyring, index, Patients, Changes, keepVersions: true);
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

    [Fact]
    public async Task Store_NewPatient_BelongsToTheTargetClinic_ExistingPatientKeepsItsClinic()
    {
        var (index, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1")), AllowAll("north"), Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.4", "1.2.4.1", "1.2.4.1.1")), AllowAll("south"), Ct);
        Assert.Equal("north", (await Patients.FindByDicomIdAsync("P1", "", Ct))!.Clinic);
        var owner = await index.FindStudyPatientAsync("1.2.4", Ct);
        Assert.Equal("north", owner!.Clinic);
        Assert.Equal((await Patients.FindByDicomIdAsync("P1", "", Ct))!.Key, owner.PatientKey);
        Assert.Null(await index.FindStudyPatientAsync("9.9.9", Ct));
    }

    [Fact]
    public async Task Store_Authorize_IsAskedForEveryTouchedPatient_RefusalWritesNothing()
    {
        var (index, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.3", "1.2.3.1", "1.2.3.1.1")), AllowAll("north"), Ct);
        var asked = new List<ResourceScope>();
        var southOnly = new IngestTarget("south") { Authorize = (scope, _) => { asked.Add(scope); return Task.FromResult(new IngestDecision(scope.Clinic == "south")); } };

        // Into north's existing patient, into north's existing study under a new Patient ID, and the same SOP Instance UID again: all refused.
        Assert.Equal(StoreStatus.Refused, (await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.5", "1.2.5.1", "1.2.5.1.1")), southOnly, Ct)).Status);
        Assert.Equal(StoreStatus.Refused, (await store.ExecuteAsync(new MemoryStream(Instance("P9", "ROE^RICHARD", "1.2.3", "1.2.3.9", "1.2.3.9.1")), southOnly, Ct)).Status);
        Assert.Equal(StoreStatus.Refused, (await store.ExecuteAsync(new MemoryStream(Instance("P8", "ROE^RICHARD", "1.2.8", "1.2.8.1", "1.2.3.1.1")), southOnly, Ct)).Status);
        Assert.Contains(asked, s => s.PatientKey is null && s.Clinic == "south"); // the new patient P9 would have been south's
        Assert.All(asked.Where(s => s.PatientKey is not null), s => Assert.Equal("north", s.Clinic));
        Assert.Single(await index.ReferencedBlobIdsAsync(Ct));
        Assert.Null(await Patients.FindByDicomIdAsync("P9", "", Ct));

        // A new patient in the caller's clinic is allowed.
        Assert.Equal(StoreStatus.Stored, (await store.ExecuteAsync(new MemoryStream(Instance("P2", "SMITH^JOHN", "1.2.6", "1.2.6.1", "1.2.6.1.1")), southOnly, Ct)).Status);
        Assert.Equal("south", (await Patients.FindByDicomIdAsync("P2", "", Ct))!.Clinic);
    }

    /// <summary>Every blob in the store is referenced by the index: nothing half-done is left behind.</summary>
    private async Task AssertNoOrphanBlobsAsync(SqlStudyIndex index)
    {
        var files = new List<string>();
        await foreach (var b in Blobs.ListAsync(Ct)) files.Add(b.Id.Value);
        Assert.Equal((await index.ReferencedBlobIdsAsync(Ct)).Order(), files.Order());
    }

    /// <summary>A target whose first decision lets another store create <paramref name="patientId"/> in "north" (the race window).</summary>
    private IngestTarget RacedTarget(StoreInstance store, string patientId, Func<ResourceScope, bool> allow, List<ResourceScope> asked,
        List<ResourceScope>? created = null)
    {
        var raced = false;
        return new IngestTarget("south")
        {
            PatientCreated = scope => { created?.Add(scope); return null; },
            Authorize = async (scope, ct) =>
            {
                asked.Add(scope);
                if (!raced)
                {
                    raced = true;
                    var other = await store.ExecuteAsync(new MemoryStream(Instance(patientId, "DOE^JANE", "1.2.40", "1.2.40.1", "1.2.40.1.1")), AllowAll("north"), ct);
                    Assert.Equal(StoreStatus.Stored, other.Status);
                }
                return new IngestDecision(allow(scope));
            },
        };
    }

    [Fact]
    public async Task Store_NewPatient_IsReportedOnceWithItsKey_AnExistingOneNever()
    {
        var (index, store) = await CreateAsync();
        var created = new List<ResourceScope>();
        var target = AllowAll("north") with { PatientCreated = scope => { created.Add(scope); return null; } };
        await store.ExecuteAsync(new MemoryStream(Instance("P5", "DOE^JANE", "1.2.50", "1.2.50.1", "1.2.50.1.1")), target, Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("P5", "DOE^JANE", "1.2.51", "1.2.51.1", "1.2.51.1.1")), target, Ct);
        var patient = (await Patients.FindByDicomIdAsync("P5", "", Ct))!;
        var scope = Assert.Single(created);
        Assert.Equal((patient.Key, "north", "study 1.2.50"), (scope.PatientKey!.Value, scope.Clinic, scope.Object));
    }

    [Fact]
    public async Task Store_PatientCreatedElsewhereAfterTheDecision_IsDecidedAgain_RefusedWritesNothing()
    {
        var (index, store) = await CreateAsync();
        var asked = new List<ResourceScope>();
        var southOnly = RacedTarget(store, "P1", scope => scope.Clinic == "south", asked);
        var result = await store.ExecuteAsync(new MemoryStream(Instance("P1", "DOE^JANE", "1.2.41", "1.2.41.1", "1.2.41.1.1")), southOnly, Ct);

        Assert.Equal(StoreStatus.Refused, result.Status);
        Assert.Equal(2, asked.Count); // a new patient in south, then, decided again, north's P1
        Assert.Equal("north", asked[1].Clinic);
        Assert.Null(await index.FindInstanceAsync("1.2.41.1.1", Ct));
        Assert.Null(await index.FindStudyPatientAsync("1.2.41", Ct));
        await AssertNoOrphanBlobsAsync(index);
    }

    [Fact]
    public async Task Store_PatientCreatedElsewhereAfterTheDecision_AllowedAgain_JoinsIt_UnderItsDataKey()
    {
        var (index, store) = await CreateAsync();
        var bytes = Instance("P1", "DOE^JANE", "1.2.42", "1.2.42.1", "1.2.42.1.1");
        var created = new List<ResourceScope>();
        var both = RacedTarget(store, "P1", _ => true, [], created);
        Assert.Equal(StoreStatus.Stored, (await store.ExecuteAsync(new MemoryStream(bytes), both, Ct)).Status);
        Assert.Empty(created); // it joined the patient another store created: not reported as a new record

        var patient = (await Patients.FindByDicomIdAsync("P1", "", Ct))!;
        Assert.Equal("north", patient.Clinic);
        Assert.Equal(patient.Key, (await index.FindStudyPatientAsync("1.2.42", Ct))!.PatientKey);
        var stored = (await index.FindInstanceAsync("1.2.42.1.1", Ct))!;
        Assert.Equal(patient.DataKey, stored.DataKey); // re-encrypted under the patient's key: one data key per patient
        await using (var s = await Blobs.OpenReadAsync(stored.Blob.Id, Ct))
        {
            var back = new MemoryStream();
            await s.CopyToAsync(back);
            Assert.Equal(bytes, back.ToArray());
        }
        await AssertNoOrphanBlobsAsync(index);
    }

    [Fact]
    public async Task Store_ConcurrentInstancesOfOneNewPatient_AllStored_OnePatient_OneDataKey()
    {
        var (index, store) = await CreateAsync();
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() =>
            store.ExecuteAsync(new MemoryStream(Instance("P7", "ROE^JANE", "1.2.7", "1.2.7.1", $"1.2.7.1.{i}")), Main, Ct))));
        Assert.All(results, r => Assert.Equal(StoreStatus.Stored, r.Status));
        var patient = (await Patients.FindByDicomIdAsync("P7", "", Ct))!;
        var instances = await index.ListInstancesAsync("1.2.7", null, null, Ct);
        Assert.Equal(8, instances.Count);
        Assert.All(instances, i => Assert.Equal(patient.DataKey, i.DataKey));
        await AssertNoOrphanBlobsAsync(index);
    }

    [Fact]
    public async Task Search_Reach_RestrictsByClinicsAndByPatientKeys_AtEveryLevel()
    {
        var (index, store) = await CreateAsync();
        await store.ExecuteAsync(new MemoryStream(Instance("N1", "NORTH^ONE", "1.2.3", "1.2.3.1", "1.2.3.1.1")), AllowAll("north"), Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("S1", "SOUTH^ONE", "1.2.4", "1.2.4.1", "1.2.4.1.1")), AllowAll("south"), Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("S2", "SOUTH^TWO", "1.2.5", "1.2.5.1", "1.2.5.1.1")), AllowAll("south"), Ct);
        var s2 = (await Patients.FindByDicomIdAsync("S2", "", Ct))!.Key;

        async Task<string[]> Search(QueryLevel level, PatientReach? reach, DicomTag key) =>
            [.. (await index.SearchAsync(new StudyQuery { Level = level, Reach = reach }, Ct)).Select(r => r[key]).Order()];
        var north = new PatientReach(new HashSet<string> { "north" }, new HashSet<long>());
        var ownS2 = PatientReach.OnePatient(s2);
        var both = new PatientReach(new HashSet<string> { "north" }, new HashSet<long> { s2 });

        Assert.Equal(["N1", "S1", "S2"], await Search(QueryLevel.Patient, null, DicomTags.PatientID));
        Assert.Equal(["N1"], await Search(QueryLevel.Patient, north, DicomTags.PatientID));
        Assert.Equal(["1.2.3"], await Search(QueryLevel.Study, north, DicomTags.StudyInstanceUID));
        Assert.Equal(["1.2.3.1"], await Search(QueryLevel.Series, north, DicomTags.SeriesInstanceUID));
        Assert.Equal(["1.2.3.1.1"], await Search(QueryLevel.Instance, north, DicomTags.SOPInstanceUID));
        Assert.Equal(["1.2.5"], await Search(QueryLevel.Study, ownS2, DicomTags.StudyInstanceUID));
        Assert.Equal(["1.2.5.1.1"], await Search(QueryLevel.Instance, ownS2, DicomTags.SOPInstanceUID));
        Assert.Equal(["1.2.3", "1.2.5"], await Search(QueryLevel.Study, both, DicomTags.StudyInstanceUID));
        Assert.Empty(await Search(QueryLevel.Study, PatientReach.None, DicomTags.StudyInstanceUID));
        Assert.Empty(await Search(QueryLevel.Instance, new PatientReach(new HashSet<string> { "east" }, new HashSet<long> { 424242 }), DicomTags.SOPInstanceUID));
        // A filter naming another clinic's study finds nothing within the reach.
        Assert.Empty(await index.SearchAsync(new StudyQuery { Reach = north, Filters = new Dictionary<DicomTag, string> { [DicomTags.StudyInstanceUID] = "1.2.4" } }, Ct));
    }

    [Fact]
    public async Task Initialize_DatabaseFromBeforeClinics_AddsTheColumnFilledWithTheDefaultClinic()
    {
        var dialect = CreateDialect(Root);
        var oldKey = await Keyring.CreateDataKeyAsync(Ct);
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            await using var cmd = c.CreateCommand();
            // The patients and studies tables as they were before patients had a clinic, with one patient and study.
            cmd.CommandText = $"""
                CREATE TABLE patients (pk {dialect.IdentityColumn}, patient_id TEXT NOT NULL, issuer TEXT NOT NULL, patient_name TEXT NOT NULL,
                    birth_date TEXT NOT NULL, sex TEXT NOT NULL, data_key TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (patient_id, issuer));
                CREATE TABLE studies (pk {dialect.IdentityColumn}, patient_pk BIGINT NOT NULL REFERENCES patients (pk), study_uid TEXT NOT NULL UNIQUE,
                    study_date TEXT NOT NULL, study_time TEXT NOT NULL, accession TEXT NOT NULL, study_id TEXT NOT NULL, study_description TEXT NOT NULL,
                    referring_physician TEXT NOT NULL);
                INSERT INTO patients (patient_id, issuer, patient_name, birth_date, sex, data_key, created)
                    VALUES ('OLD1', '', 'OLD^PATIENT', '19500101', 'F', '{oldKey}', '2020-01-01T00:00:00.0000000+00:00');
                INSERT INTO studies (patient_pk, study_uid, study_date, study_time, accession, study_id, study_description, referring_physician)
                    SELECT pk, '1.9.1', '20200101', '', '', '', 'OLD STUDY DESCRIPTION', '' FROM patients;
                """;
            await cmd.ExecuteNonQueryAsync(Ct);
        }

        var (index, store) = await CreateAsync(dialect, "legacy");
        await CreateAsync(dialect, "legacy"); // a second start finds the column and leaves it
        Assert.Equal("legacy", (await Patients.FindByDicomIdAsync("OLD1", "", Ct))!.Clinic);
        Assert.Equal("legacy", (await index.FindStudyPatientAsync("1.9.1", Ct))!.Clinic);

        await store.ExecuteAsync(new MemoryStream(Instance("NEW1", "NEW^PATIENT", "1.9.2", "1.9.2.1", "1.9.2.1.1")), AllowAll("north"), Ct);
        var legacy = new PatientReach(new HashSet<string> { "legacy" }, new HashSet<long>());
        Assert.Equal(["1.9.1"], (await index.SearchAsync(new StudyQuery { Reach = legacy }, Ct)).Select(r => r[DicomTags.StudyInstanceUID]).Order());
        Assert.Equal("north", (await Patients.FindByDicomIdAsync("NEW1", "", Ct))!.Clinic);

        // The old plaintext was sealed at start: the columns are empty, the values answer through the sealed record.
        await using (var c = dialect.CreateConnection())
        {
            await c.OpenAsync(Ct);
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM patients WHERE patient_name <> '' OR birth_date <> '' OR patient_id = 'OLD1'";
            Assert.Equal(0L, Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
            cmd.CommandText = "SELECT count(*) FROM studies WHERE study_description <> ''";
            Assert.Equal(0L, Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
        }
        var old = Assert.Single(await index.SearchAsync(new StudyQuery { Reach = legacy, Filters = new Dictionary<DicomTag, string> { [DicomTags.PatientName] = "old^patient" } }, Ct));
        Assert.Equal("OLD1", old[DicomTags.PatientID]);
        Assert.Equal("19500101", old[DicomTags.PatientBirthDate]);
        Assert.Equal("OLD STUDY DESCRIPTION", old[DicomTags.StudyDescription]);
    }

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
