using System.Globalization;
using System.Text;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Patients;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;
using Enamel.TestShared;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// First-class patients over SQLite and a real PostgreSQL: registration before any image, ingest matching the registered
/// record, searches through blind tokens (names incl. CJK, identifiers, phones, QIDO wildcards and ranges), versions,
/// merges with aliases, and no patient value in the clear anywhere in the data folder.
/// </summary>
public abstract class PatientStoreContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-patient-tests", Guid.NewGuid().ToString("N"));
    private readonly FileKeyring keyring;
    private readonly FileSystemBlobStore blobs;
    private static readonly PatientReach MainReach = new(new HashSet<string> { "main" }, new HashSet<long>());
    /// <summary>Stores decided "allowed" (the pipeline's own tests; the policy's are elsewhere).</summary>
    private static readonly IngestTarget Main = new("main") { Authorize = (_, _) => Task.FromResult(IngestDecision.Allow) };

    protected PatientStoreContract()
    {
        Directory.CreateDirectory(root);
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(root, "master.key"), TimeProvider.System);
        keyring = new FileKeyring(Path.Combine(root, "keys"), master, TimeProvider.System);
        blobs = new FileSystemBlobStore(Path.Combine(root, "store"), keyring);
    }

    protected string Root => root;

    protected abstract SqlDialect CreateDialect(string folder);

    private async Task<SqlArchive> OpenAsync() =>
        await SqlArchive.OpenAsync(CreateDialect(root), keyring, new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }),
            TimeProvider.System, "main", Ct);

    private static NewPatient Chan(string chart = "C-1001") => new("main", new Demographics
    {
        Name = new PatientName(new NameGroup("Chan", "Tai Man"), new NameGroup("陳", "大文"), new NameGroup("chan4", "daai6 man4")),
        BirthDate = "19800214",
        Sex = "M",
        Contacts = [new ContactPoint(ContactKind.Phone, "+852 9123 4567", "mobile"), new ContactPoint(ContactKind.Email, "tm.chan@example.org")],
        PreferredLanguage = "zh-Hant",
    }, [new PatientIdentifier(IdentifierType.ChartNumber, "main", chart), new PatientIdentifier(IdentifierType.DicomPatientId, "", chart),
        new PatientIdentifier(IdentifierType.HongKongId, "HK", "A1234563")]);

    private async Task<long> RegisterAsync(SqlArchive a, NewPatient p)
    {
        var (outcome, key) = await a.Patients.AddAsync(p, await keyring.CreateDataKeyAsync(Ct), "desk", "registered", Ct);
        Assert.Equal(RegistrationOutcome.Created, outcome);
        return key;
    }

    private static byte[] Instance(string patientId, string name, string studyUid, string sopUid, string birth = "19800214", string description = "BITEWINGS LEFT")
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sopUid);
        ds.SetString(DicomTags.StudyDate, DicomVR.DA, "20260105");
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, name);
        ds.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
        ds.SetString(DicomTags.PatientBirthDate, DicomVR.DA, birth);
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, studyUid);
        ds.SetString(DicomTags.StudyDescription, DicomVR.LO, description);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, studyUid + ".1");
        ds.SetGreyImage(16, 16);
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        return ms.ToArray();
    }

    private static IReadOnlyDictionary<DicomTag, string> Q(DicomTag tag, string value) => new Dictionary<DicomTag, string> { [tag] = value };

    [Fact]
    public async Task Register_BeforeAnyImage_ThenIngestMatchesTheRecord()
    {
        var a = await OpenAsync();
        var key = await RegisterAsync(a, Chan());
        var p = (await a.Patients.GetAsync(key, Ct))!;
        Assert.Equal("陳^大文", PersonNamesGroup(p.Demographics.Name.Ideographic));
        Assert.Equal("Chan^Tai Man=陳^大文=chan4^daai6 man4", p.Demographics.Name.ToDicom());
        Assert.Equal(3, p.Identifiers.Count);
        Assert.Equal(1, p.Version);

        var store = new StoreInstance(blobs, keyring, a.Index, a.Patients, a.Changes);
        var result = await store.ExecuteAsync(new MemoryStream(Instance("C-1001", "Chan^Tai Man=陳^大文=chan4^daai6 man4", "1.5.1", "1.5.1.1.1")), Main, Ct);
        Assert.Equal(StoreStatus.Stored, result.Status);
        Assert.Equal(key, (await a.Index.FindStudyPatientAsync("1.5.1", Ct))!.PatientKey);

        // A different name under the same Patient ID is stored and flagged, never merged silently.
        var flagged = await store.ExecuteAsync(new MemoryStream(Instance("C-1001", "Wong^Siu Ming", "1.5.2", "1.5.2.1.1")), Main, Ct);
        Assert.Equal(StoreStatus.StoredFlaggedForReview, flagged.Status);
        Assert.Equal(key, (await a.Index.FindStudyPatientAsync("1.5.2", Ct))!.PatientKey);

        // An unknown Patient ID registers the patient through the same verb, in the target clinic.
        await store.ExecuteAsync(new MemoryStream(Instance("NEW-7", "Lee^Ka Yan", "1.5.3", "1.5.3.1.1")), Main, Ct);
        var registered = (await a.Patients.FindByDicomIdAsync("NEW-7", "", Ct))!;
        Assert.Equal("Lee^Ka Yan", registered.Demographics.Name.ToDicom());
        Assert.Equal("main", registered.Clinic);
        Assert.Equal("registered from a received image", Assert.Single(await a.Patients.HistoryAsync(registered.Key, Ct)).Reason);
    }

    private static string PersonNamesGroup(NameGroup g) => PersonNames.Format(new PatientName(g, NameGroup.Empty, NameGroup.Empty));

    [Fact]
    public async Task Register_SameIdentifierTwice_IsTheExistingRecord()
    {
        var a = await OpenAsync();
        var key = await RegisterAsync(a, Chan());
        var again = Chan("C-2002") with { }; // a new chart, but the same HKID: one person
        var (outcome, existing) = await a.Patients.AddAsync(again, await keyring.CreateDataKeyAsync(Ct), "desk", "registered", Ct);
        Assert.Equal(RegistrationOutcome.Existing, outcome);
        Assert.Equal(key, existing);
        Assert.Null(await a.Patients.FindByIdentifierAsync(IdentifierType.ChartNumber, "main", "C-2002", Ct)); // nothing half-written
    }

    [Fact]
    public async Task SearchBox_FindsByNamePrefix_CjkName_Chart_Phone_WithinReachOnly()
    {
        var a = await OpenAsync();
        var key = await RegisterAsync(a, Chan());
        var other = await RegisterAsync(a, new NewPatient("north", new Demographics { Name = PatientName.Of("Chan", "Siu Ling") },
            [new PatientIdentifier(IdentifierType.ChartNumber, "north", "N-1")]));

        async Task<long[]> Find(string text, PatientReach? reach = null) =>
            [.. (await a.Patients.SearchAsync(text, reach ?? MainReach, 50, Ct)).Select(p => p.Key)];

        Assert.Equal([key], await Find("cha"));
        Assert.Equal([key], await Find("Chan Tai"));
        Assert.Equal([key], await Find("tai man"));
        Assert.Equal([key], await Find("陳"));
        Assert.Equal([key], await Find("陳大")); // an ideographic name is typed without a separator
        Assert.Equal([key], await Find("c-1001"));
        Assert.Equal([key], await Find("A123456(3)"));
        Assert.Equal([key], await Find("91234567"));
        Assert.Equal([key], await Find("+852 9123-4567"));
        Assert.Empty(await Find("wong"));
        Assert.Empty(await Find("N-1")); // another clinic's patient: out of reach
        var both = new PatientReach(new HashSet<string> { "main", "north" }, new HashSet<long>());
        Assert.Equal([key, other], (await Find("chan", both)).Order());
    }

    [Fact]
    public async Task Qido_MatchesSealedKeys_ExactWildcardFuzzyRange()
    {
        var a = await OpenAsync();
        var store = new StoreInstance(blobs, keyring, a.Index, a.Patients, a.Changes);
        await store.ExecuteAsync(new MemoryStream(Instance("P1", "Doe^Jane", "1.6.1", "1.6.1.1.1", birth: "19800101", description: "PANORAMIC")), Main, Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("P2", "Smith^John", "1.6.2", "1.6.2.1.1", birth: "19900615", description: "BITEWINGS")), Main, Ct);
        await store.ExecuteAsync(new MemoryStream(Instance("Q3", "Smithers^Waylon", "1.6.3", "1.6.3.1.1", birth: "20010101", description: "CBCT MAXILLA")), Main, Ct);

        async Task<string[]> Studies(DicomTag tag, string value, bool fuzzy = false) =>
            [.. (await a.Index.SearchAsync(new StudyQuery { Reach = MainReach, FuzzyMatching = fuzzy, Filters = Q(tag, value) }, Ct))
                .Select(r => r[DicomTags.StudyInstanceUID]).Order()];

        Assert.Equal(["1.6.2"], await Studies(DicomTags.PatientName, "SMITH^JOHN"));
        Assert.Equal(["1.6.2", "1.6.3"], await Studies(DicomTags.PatientName, "Smith*"));
        Assert.Equal(["1.6.3"], await Studies(DicomTags.PatientName, "Smith?rs*"));
        Assert.Equal(["1.6.1", "1.6.2"], await Studies(DicomTags.PatientName, "*^J*"));
        Assert.Equal(["1.6.3"], await Studies(DicomTags.PatientName, "wayl", fuzzy: true));
        Assert.Equal(["1.6.1"], await Studies(DicomTags.PatientID, "P1"));
        Assert.Equal(["1.6.1", "1.6.2"], await Studies(DicomTags.PatientID, "P*"));
        Assert.Equal(["1.6.2"], await Studies(DicomTags.PatientBirthDate, "19900615"));
        Assert.Equal(["1.6.2", "1.6.3"], await Studies(DicomTags.PatientBirthDate, "19850101-"));
        Assert.Equal(["1.6.1", "1.6.2"], await Studies(DicomTags.PatientBirthDate, "-19991231"));
        Assert.Equal(["1.6.3"], await Studies(DicomTags.StudyDescription, "CBCT*"));
        Assert.Equal(["1.6.2"], await Studies(DicomTags.StudyDescription, "BITEWINGS"));

        var row = Assert.Single(await a.Index.SearchAsync(new StudyQuery { Reach = MainReach, Filters = Q(DicomTags.PatientID, "Q3") }, Ct));
        Assert.Equal("Smithers^Waylon", row[DicomTags.PatientName]);
        Assert.Equal("20010101", row[DicomTags.PatientBirthDate]);
        Assert.Equal("CBCT MAXILLA", row[DicomTags.StudyDescription]);

        // Paging applies after matching on opened values.
        var page = await a.Index.SearchAsync(new StudyQuery { Reach = MainReach, Limit = 1, Offset = 1, Filters = Q(DicomTags.PatientName, "*") }, Ct);
        Assert.Equal("1.6.2", Assert.Single(page)[DicomTags.StudyInstanceUID]);
    }

    [Fact]
    public async Task Amend_WritesAVersion_StaleVersionRefused_HistoryKept()
    {
        var a = await OpenAsync();
        var key = await RegisterAsync(a, Chan());
        var p = (await a.Patients.GetAsync(key, Ct))!;
        var amended = p.Demographics with { Name = new PatientName(new NameGroup("Chan", "Tai-man"), p.Demographics.Name.Ideographic, p.Demographics.Name.Phonetic) };
        Assert.True(await a.Patients.AmendAsync(key, 1, amended, "desk", "spelling as on the HKID", Ct));
        Assert.False(await a.Patients.AmendAsync(key, 1, p.Demographics, "desk", "stale", Ct));
        var history = await a.Patients.HistoryAsync(key, Ct);
        Assert.Equal([1, 2], history.Select(v => v.Number));
        Assert.Equal("Tai Man", history[0].Demographics.Name.Alphabetic.Given);
        Assert.Equal("spelling as on the HKID", history[1].Reason);
        Assert.Equal([key], (await a.Patients.SearchAsync("tai-man", MainReach, 10, Ct)).Select(x => x.Key));
    }

    [Fact]
    public async Task Merge_KeepsAliases_QidoByEitherIdFindsTheSurvivor()
    {
        var a = await OpenAsync();
        var store = new StoreInstance(blobs, keyring, a.Index, a.Patients, a.Changes);
        await store.ExecuteAsync(new MemoryStream(Instance("OLD-1", "Chan^Tai Man", "1.7.1", "1.7.1.1.1")), Main, Ct);
        var survivor = await RegisterAsync(a, Chan());
        var duplicate = (await a.Patients.FindByDicomIdAsync("OLD-1", "", Ct))!.Key;
        await a.Patients.MergeAsync(survivor, duplicate, "desk", "same person: HKID checked", Ct);

        Assert.Equal(survivor, (await a.Patients.FindByDicomIdAsync("OLD-1", "", Ct))!.Key);
        Assert.Equal(survivor, (await a.Index.FindStudyPatientAsync("1.7.1", Ct))!.PatientKey);
        var byOld = Assert.Single(await a.Index.SearchAsync(new StudyQuery { Reach = MainReach, Filters = Q(DicomTags.PatientID, "OLD-1") }, Ct));
        Assert.Equal("C-1001", byOld[DicomTags.PatientID]); // answers with the survivor's own Patient ID
        var merged = (await a.Patients.GetAsync(duplicate, Ct))!;
        Assert.Equal(PatientStatus.Merged, merged.Status);
        Assert.Equal(survivor, merged.MergedInto);
        Assert.Contains((await a.Patients.GetAsync(survivor, Ct))!.Identifiers, i => i.Alias && i.Value == "OLD-1");
        // The merged record is no patient of its own any more: a patient-level search lists the survivor only.
        var patients = await a.Index.SearchAsync(new StudyQuery { Level = QueryLevel.Patient, Reach = MainReach }, Ct);
        Assert.Equal(["C-1001"], patients.Select(r => r[DicomTags.PatientID]));

        // Ingest under the old ID lands in the survivor's record.
        await store.ExecuteAsync(new MemoryStream(Instance("OLD-1", "Chan^Tai Man", "1.7.2", "1.7.2.1.1")), Main, Ct);
        Assert.Equal(survivor, (await a.Index.FindStudyPatientAsync("1.7.2", Ct))!.PatientKey);
    }

    /// <summary>
    /// The registration verb and its audit entry commit together: with the chain poisoned (no head row, so no entry can be
    /// appended) nothing of the patient is written; healthy, the record and its entry are both there.
    /// </summary>
    [Fact]
    public async Task Register_AuditAppendFails_NoPatientWasWritten_AndTheReverse()
    {
        var a = await OpenAsync();
        var policy = new AccessPolicy(a.Security.Roles, a.Security.BreakGlass, a.Security.Audit, TimeProvider.System);
        var register = new RegisterPatient(a.Patients, keyring, a.Security.Users, policy, a.Security.Changes);
        var desk = new Actor("desk-1", "desk", [RoleTable.Receptionist], new HashSet<string> { "main" });
        var head = (await MigrationsContract.QueryAsync(a.Index.Dialect, "SELECT seq, hash FROM audit_head", r => (Seq: r.GetInt64(0), Hash: r.GetString(1)))).Single();
        await MigrationsContract.ExecuteAsync(a.Index.Dialect, "DELETE FROM audit_head");
        await Assert.ThrowsAnyAsync<Exception>(() => register.ExecuteAsync(desk, Chan("UOW-1"), Purpose.Operations, "first visit", Ct));
        Assert.Null(await a.Patients.FindByIdentifierAsync(IdentifierType.ChartNumber, "main", "UOW-1", Ct));
        Assert.Empty(await a.Patients.SearchAsync("chan", MainReach, 10, Ct));

        var after = (await MigrationsContract.QueryAsync(a.Index.Dialect, "SELECT count(*) FROM audit_log", r => r.GetInt64(0))).Single();
        Assert.Equal(head.Seq, after); // not one entry of the failed registration
        await MigrationsContract.ExecuteAsync(a.Index.Dialect, $"INSERT INTO audit_head (id, seq, hash) VALUES (1, {head.Seq}, '{head.Hash}')");
        var done = await register.ExecuteAsync(desk, Chan("UOW-1"), Purpose.Operations, "first visit", Ct);
        Assert.True(done.Done, done.Message);
        var entries = await a.Security.Audit.QueryAsync(new AuditQuery { PatientKey = done.Value!.Key }, Ct);
        Assert.Contains(entries, e => e.Event.Detail == "patient-registered");
        Assert.True((await new AuditVerifier(new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] })).VerifyAsync(a.Security.Audit, Ct)).Intact);
    }

    /// <summary>Every file under the data folder, searched for the bytes of a stored value in UTF-8 and (for the SQLite files) UTF-16.</summary>
    protected void AssertNowhereInFolder(params string[] values)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var v in values)
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(v)), $"'{v}' is in the clear in {Path.GetRelativePath(root, file)}");
                // UTF-16 only for values long enough that random ciphertext cannot hold them by chance (≥ 8 bytes).
                if (v.Length >= 4) Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(v)), $"'{v}' (UTF-16) is in the clear in {Path.GetRelativePath(root, file)}");
            }
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    [Fact]
    public async Task NothingInTheClear_NamesIdsDescriptionsPhones()
    {
        var a = await OpenAsync();
        await RegisterAsync(a, Chan());
        var store = new StoreInstance(blobs, keyring, a.Index, a.Patients, a.Changes);
        await store.ExecuteAsync(new MemoryStream(Instance("ZX-99817", "Quennell^Philippa", "1.8.1", "1.8.1.1.1", description: "PERIAPICAL UR6 ENDO")), Main, Ct);
        Assert.NotEmpty(await a.Index.SearchAsync(new StudyQuery { Reach = MainReach, Filters = Q(DicomTags.PatientID, "ZX-99817") }, Ct));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        AssertNowhereInFolder("Quennell", "Philippa", "ZX-99817", "PERIAPICAL UR6", "Tai Man", "陳大文", "91234567", "9123 4567", "tm.chan@example.org", "A1234563", "C-1001", "19800214");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}

public sealed class SqlitePatientStoreTests : PatientStoreContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPatientStoreTests(PostgresServer server) : PatientStoreContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(server.CreateDatabase());
}
