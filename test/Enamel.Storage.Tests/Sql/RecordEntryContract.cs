using System.Text;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.History;
using Enamel.Core.Insurance;
using Enamel.Core.Keys;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Treatment;
using Enamel.Storage.Sql;
using Enamel.Storage.Sql.Records;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// The clinical record's entries on SQLite and a real PostgreSQL: the store (versions, stale revisions, entered-in-error,
/// searches by reach, kind, patient, state, code and dates, merges, destroyed keys, nothing in the clear, one change with
/// its audit entry) and the <see cref="RecordEntries"/> verbs over it with the real policy (signed notes locked, addenda,
/// who signs, lab case trails, per-category refusals, out-of-reach as not found, one audit entry per write).
/// </summary>
public abstract class RecordEntryContract() : ArchiveContract("enamel-entry-tests")
{
    private static readonly Actor Dentist = new("dr-1", "dr", [RoleTable.Dentist], new HashSet<string> { "main" });
    private static readonly Actor Hygienist = new("hy-1", "hy", [RoleTable.Hygienist], new HashSet<string> { "main" });
    private static readonly Actor Desk = new("desk-1", "desk", [RoleTable.Receptionist], new HashSet<string> { "main" });
    private static readonly Actor Lab = new("lab-1", "lab", [RoleTable.LabTechnician], new HashSet<string> { "main" });
    private static readonly Actor NorthDentist = new("dr-n", "drn", [RoleTable.Dentist], new HashSet<string> { "north" });
    private static readonly PatientReach MainReach = new(new HashSet<string> { "main" }, new HashSet<long>());

    private sealed record World(SqlArchive Archive, RecordEntries Verbs, long Main, long North)
    {
        public SqlRecordEntryStore Store => Archive.Entries;
    }

    private async Task<World> OpenAsync()
    {
        var a = await OpenArchiveAsync(CreateDialect(Root));
        var policy = new AccessPolicy(a.Security.Roles, a.Security.BreakGlass, a.Security.Audit, TimeProvider.System);
        var verbs = new RecordEntries(a.Entries, a.Patients, policy, a.Changes, TimeProvider.System);
        return new World(a, verbs, await RegisterAsync(a, "main", "Chan"), await RegisterAsync(a, "north", "Wong"));
    }

    private async Task<long> RegisterAsync(SqlArchive a, string clinic, string family, string chart = "")
    {
        var (outcome, key) = await a.Patients.AddAsync(new NewPatient(clinic, new Demographics { Name = PatientName.Of(family, "Tai Man") },
            [new PatientIdentifier(IdentifierType.ChartNumber, clinic, chart.Length > 0 ? chart : family + "-1")]), await Keyring.CreateDataKeyAsync(Ct), "desk", "registered", Ct);
        Assert.Equal(RegistrationOutcome.Created, outcome);
        return key;
    }

    private static Condition Diabetes(string status = "active", string onset = "2019-05", string note = "") =>
        new(new Coding(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), status, onset, "2026-01-10", note);

    private static Condition Hypertension(string onset = "2021-02-03") =>
        new(new Coding(Coding.Snomed, "38341003", "Hypertension"), "active", onset, "2026-01-10");

    private static ClinicalNote Note(string text = "Caries on 36 distal; patient anxious.", string appends = "") => new("Exam", text, "2026-01-10", Appends: appends);

    // ---- the store ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Add_Revise_StaleRevisionRefused_EveryVersionReadable_AndInTheRecordHistory()
    {
        var w = await OpenAsync();
        var v1 = await w.Store.AddAsync(w.Main, Diabetes(), new VersionNote("dr-1", "first visit"), Ct);
        Assert.Matches("^[0-9a-f]{32}$", v1.Id);
        Assert.Equal((1, VersionStatus.Current, RecordCategory.MedicalHistory, w.Main), (v1.Version, v1.Status, v1.Ref.Category, v1.PatientKey));
        Assert.NotEqual(v1.Id, (await w.Store.AddAsync(w.Main, Diabetes(), new VersionNote("dr-1", "again"), Ct)).Id);

        var v2 = await w.Store.ReviseAsync(RecordKind.Condition, v1.Id, 1, Diabetes("resolved"), new VersionNote("dr-2", "HbA1c normal"), Ct);
        Assert.NotNull(v2);
        Assert.Equal(2, v2.Version);
        Assert.Null(await w.Store.ReviseAsync(RecordKind.Condition, v1.Id, 1, Diabetes("inactive"), new VersionNote("dr-3", "stale"), Ct));
        Assert.Null(await w.Store.ReviseAsync(RecordKind.Condition, "0000", 1, Diabetes(), new VersionNote("dr-3", "no such"), Ct));

        var latest = (await w.Store.GetAsync(RecordKind.Condition, v1.Id, Ct))!;
        Assert.Equal((2, "resolved", "dr-2", "HbA1c normal"), (latest.Version, latest.Body.State, latest.AuthorId, latest.Reason));
        Assert.Equal(v1.Created, latest.Created);
        Assert.Null(await w.Store.GetAsync(RecordKind.Allergy, v1.Id, Ct)); // an id is an entry of one kind

        var versions = await w.Store.VersionsAsync(RecordKind.Condition, v1.Id, Ct);
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal([VersionStatus.Superseded, VersionStatus.Current], versions.Select(v => v.Status));
        Assert.Equal(Diabetes(), versions[0].Body);
        Assert.Equal(("dr-1", "first visit"), (versions[0].AuthorId, versions[0].Reason));
        Assert.Equal(Diabetes(), (await w.Store.GetVersionAsync(RecordKind.Condition, v1.Id, 1, Ct))!.Body);
        Assert.Null(await w.Store.GetVersionAsync(RecordKind.Condition, v1.Id, 3, Ct));

        // The kernel's history sees the entry's versions (the reasons themselves stay sealed with the entry).
        var history = await new SqlRecordHistory(w.Archive.Index.Dialect).ReadAsync(v1.Ref, Ct);
        Assert.Equal([(1, "dr-1", VersionStatus.Superseded), (2, "dr-2", VersionStatus.Current)], history.Select(h => (h.Number, h.AuthorId, h.Status)));
        Assert.All(history, h => Assert.Equal(SqlRecordEntryStore.SealedReason, h.Reason));
    }

    [Fact]
    public async Task EnteredInError_MarksTheLatestVersion_KeepsEveryVersion_AndStopsRevisions()
    {
        var w = await OpenAsync();
        var e = await w.Store.AddAsync(w.Main, Diabetes(), new VersionNote("dr-1", "first"), Ct);
        await w.Store.ReviseAsync(RecordKind.Condition, e.Id, 1, Diabetes("inactive"), new VersionNote("dr-1", "second"), Ct);
        var marked = await w.Store.MarkEnteredInErrorAsync(RecordKind.Condition, e.Id, new StatusChange("dr-2", DateTimeOffset.UtcNow, "wrong patient chart"), Ct);
        Assert.NotNull(marked);
        Assert.Equal((2, VersionStatus.EnteredInError, "dr-2", "wrong patient chart"), (marked.Version, marked.Status, marked.Withdrawn!.AuthorId, marked.Withdrawn.Reason));
        Assert.Null(await w.Store.MarkEnteredInErrorAsync(RecordKind.Condition, e.Id, new StatusChange("dr-2", DateTimeOffset.UtcNow, "again"), Ct));
        Assert.Null(await w.Store.ReviseAsync(RecordKind.Condition, e.Id, 2, Diabetes(), new VersionNote("dr-1", "after"), Ct));

        var read = (await w.Store.GetAsync(RecordKind.Condition, e.Id, Ct))!;
        Assert.Equal(("wrong patient chart", VersionStatus.EnteredInError), (read.Withdrawn!.Reason, read.Status));
        Assert.Equal([VersionStatus.Superseded, VersionStatus.EnteredInError], (await w.Store.VersionsAsync(RecordKind.Condition, e.Id, Ct)).Select(v => v.Status));
        var history = await new SqlRecordHistory(w.Archive.Index.Dialect).ReadAsync(e.Ref, Ct);
        Assert.Equal(VersionStatus.EnteredInError, history[^1].Status);

        var query = new EntryQuery([RecordKind.Condition], MainReach);
        Assert.Equal(0, (await w.Store.FindAsync(query, Ct)).Total);
        Assert.Equal(e.Id, Assert.Single((await w.Store.FindAsync(query with { IncludeEnteredInError = true }, Ct)).Entries).Id);
    }

    [Fact]
    public async Task Find_ByReach_Kind_Patient_State_Code_Dates_Ordered_WithTotal()
    {
        var w = await OpenAsync();
        var second = await RegisterAsync(w.Archive, "main", "Lee", "L-2");
        var diabetes = await w.Store.AddAsync(w.Main, Diabetes(onset: "2019-05"), new VersionNote("dr-1", "r"), Ct);
        var hypertension = await w.Store.AddAsync(w.Main, Hypertension("2021-02-03"), new VersionNote("dr-1", "r"), Ct);
        var resolved = await w.Store.AddAsync(second, Diabetes("resolved", onset: "2015"), new VersionNote("dr-1", "r"), Ct);
        var northern = await w.Store.AddAsync(w.North, Diabetes(onset: "2020-01-01"), new VersionNote("dr-n", "r"), Ct);
        var note = await w.Store.AddAsync(w.Main, Note(), new VersionNote("dr-1", "r"), Ct);

        async Task<string[]> Ids(EntryQuery q) => [.. (await w.Store.FindAsync(q, Ct)).Entries.Select(e => e.Id)];
        var conditions = new EntryQuery([RecordKind.Condition], MainReach);

        Assert.Equal([resolved.Id, hypertension.Id, diabetes.Id], await Ids(conditions)); // across patients: most recently recorded first, paged in SQL
        Assert.Equal([hypertension.Id], await Ids(conditions with { Limit = 1, Skip = 1 }));
        Assert.Equal(3, (await w.Store.FindAsync(conditions with { Limit = 1 }, Ct)).Total);
        Assert.Equal([hypertension.Id, diabetes.Id, resolved.Id], await Ids(conditions with { DateFrom = "2000" })); // a date range: newest clinical date first
        Assert.Equal([northern.Id], await Ids(conditions with { Reach = new PatientReach(new HashSet<string> { "north" }, new HashSet<long>()) }));
        Assert.Equal([northern.Id], await Ids(conditions with { Reach = PatientReach.OnePatient(w.North) })); // a named patient outside the clinics
        Assert.Empty(await Ids(conditions with { Reach = PatientReach.None }));
        Assert.Equal([hypertension.Id, diabetes.Id], await Ids(conditions with { PatientKey = w.Main }));
        Assert.Empty(await Ids(conditions with { PatientKey = w.North })); // the patient must be in reach too
        Assert.Equal([resolved.Id], await Ids(conditions with { State = "resolved" }));
        Assert.Equal([resolved.Id, diabetes.Id], await Ids(conditions with { Code = $"{Coding.Snomed}|44054006" }));
        Assert.Equal([resolved.Id, diabetes.Id], await Ids(conditions with { Code = "44054006" }));
        Assert.Empty(await Ids(conditions with { Code = "http://hl7.org/fhir/sid/icd-10|44054006" }));
        Assert.Equal([hypertension.Id, diabetes.Id], await Ids(conditions with { DateFrom = "2019" }));
        Assert.Equal([diabetes.Id], await Ids(conditions with { DateFrom = "2019-05-20", DateTo = "2020-12" })); // 2019-05 overlaps
        Assert.Equal([resolved.Id], await Ids(conditions with { DateTo = "2018" }));
        Assert.Equal([note.Id, resolved.Id, hypertension.Id, diabetes.Id], await Ids(conditions with { Kinds = [RecordKind.Condition, RecordKind.Note] }));
        Assert.Empty(await Ids(conditions with { UpdatedSince = DateTimeOffset.UtcNow.AddMinutes(5) }));
        Assert.Equal(3, (await Ids(conditions with { UpdatedSince = DateTimeOffset.UtcNow.AddMinutes(-5) })).Length);

        var page = await w.Store.FindAsync(conditions with { Limit = 1, Skip = 1 }, Ct);
        Assert.Equal((3, hypertension.Id), (page.Total, Assert.Single(page.Entries).Id));

        // A revision is found by what it says now, not by what an earlier version said.
        await w.Store.ReviseAsync(RecordKind.Condition, diabetes.Id, 1, Hypertension("2019-05"), new VersionNote("dr-1", "miscoded"), Ct);
        Assert.Equal([resolved.Id], await Ids(conditions with { Code = "44054006" }));
    }

    [Fact]
    public async Task NothingInTheClear_BodiesReasonsAndCodes()
    {
        var w = await OpenAsync();
        var e = await w.Store.AddAsync(w.Main, Diabetes(note: "Quillfeather insulin pump since spring"), new VersionNote("dr-1", "told us about Zanzibarine trial"), Ct);
        await w.Store.ReviseAsync(RecordKind.Condition, e.Id, 1, Diabetes(note: "Quillfeather pump removed"), new VersionNote("dr-1", "update"), Ct);
        await w.Store.MarkEnteredInErrorAsync(RecordKind.Condition, e.Id, new StatusChange("dr-1", DateTimeOffset.UtcNow, "Marrowgate family mix-up"), Ct);
        await w.Store.AddAsync(w.Main, Note("Patient reports Vexillary tremor"), new VersionNote("dr-1", "exam"), Ct);
        string[] secrets = ["Quillfeather", "Zanzibarine", "Marrowgate", "Vexillary", "44054006", "Diabetes mellitus"];

        // Every text the database holds for entries and their versions.
        var dialect = w.Archive.Index.Dialect;
        var stored = new StringBuilder();
        foreach (var table in new[] { "record_entries", "record_entry_tokens", "record_versions", "audit_log" })
            foreach (var row in await MigrationsContract.QueryAsync(dialect, $"SELECT * FROM {table}", r =>
                string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)))))
                stored.AppendLine(row);
        foreach (var s in secrets) Assert.DoesNotContain(s, stored.ToString(), StringComparison.Ordinal);

        // And the raw bytes of every file of the data folder (the SQLite database and its WAL).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var s in secrets)
            {
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0, $"'{s}' is in the clear in {Path.GetRelativePath(Root, file)}");
                Assert.False(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(s)) >= 0, $"'{s}' (UTF-16) is in the clear in {Path.GetRelativePath(Root, file)}");
            }
        }
        // Yet it all reads back.
        Assert.Equal("Marrowgate family mix-up", (await w.Store.GetAsync(RecordKind.Condition, e.Id, Ct))!.Withdrawn!.Reason);
    }

    [Fact]
    public async Task AChangeThatDoesNotCommit_LeavesNeitherEntryNorAudit()
    {
        var w = await OpenAsync();
        var dialect = w.Archive.Index.Dialect;
        long audited = (await MigrationsContract.QueryAsync(dialect, "SELECT count(*) FROM audit_log", r => r.GetInt64(0))).Single();
        string id;
        await using (var change = await w.Archive.Changes.BeginAsync(Ct))
        {
            IChangeScope scope = change;
            var e = await scope.Entries.AddAsync(w.Main, Diabetes(), new VersionNote("dr-1", "r"), Ct);
            id = e.Id;
            await scope.AuditAsync(new AuditEvent(DateTimeOffset.UtcNow, "dr-1", "dentist", w.Main, AuditObject.Record(RecordCategory.MedicalHistory, e.Ref.ToString()),
                AuditAction.Of(RecordAction.Create), AuditOutcome.Success, "TREAT", "") { Detail = "entry-recorded version 1" }, Ct);
            Assert.NotNull(await scope.Entries.GetAsync(RecordKind.Condition, id, Ct)); // visible inside the change
        } // disposed without commit
        Assert.Null(await w.Store.GetAsync(RecordKind.Condition, id, Ct));
        Assert.Equal(0, (await w.Store.FindAsync(new EntryQuery([RecordKind.Condition], MainReach), Ct)).Total);
        Assert.Empty(await MigrationsContract.QueryAsync(dialect, "SELECT pk FROM record_versions", r => r.GetInt64(0)));
        Assert.Empty(await MigrationsContract.QueryAsync(dialect, "SELECT entry_pk FROM record_entry_tokens", r => r.GetInt64(0)));
        Assert.Equal(audited, (await MigrationsContract.QueryAsync(dialect, "SELECT count(*) FROM audit_log", r => r.GetInt64(0))).Single());

        // Committed, both are there.
        var done = await w.Verbs.AddAsync(Dentist, w.Main, Diabetes(), "first visit", Purpose.Treatment, null, Ct);
        Assert.True(done.Done, done.Message);
        Assert.NotNull(await w.Store.GetAsync(RecordKind.Condition, done.Value!.Id, Ct));
        Assert.Contains(await w.Archive.Security.Audit.QueryAsync(new AuditQuery { PatientKey = w.Main }, Ct), r => r.Event.Object.Text.EndsWith(done.Value.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Merge_MovesTheEntriesToTheSurvivor_SealedUnderItsKey()
    {
        var w = await OpenAsync();
        var duplicate = await RegisterAsync(w.Archive, "main", "Chan", "C-dup");
        var moved = await w.Store.AddAsync(duplicate, Diabetes(), new VersionNote("dr-1", "r"), Ct);
        await w.Store.ReviseAsync(RecordKind.Condition, moved.Id, 1, Diabetes("inactive"), new VersionNote("dr-1", "r2"), Ct);
        var withdrawn = await w.Store.AddAsync(duplicate, Note(), new VersionNote("dr-1", "r"), Ct);
        await w.Store.MarkEnteredInErrorAsync(RecordKind.Note, withdrawn.Id, new StatusChange("dr-1", DateTimeOffset.UtcNow, "wrong chart"), Ct);
        var duplicateKey = (await w.Archive.Patients.GetAsync(duplicate, Ct))!.DataKey;

        await w.Archive.Patients.MergeAsync(w.Main, duplicate, "desk", "same person", Ct);
        await Keyring.DestroyAsync(duplicateKey, Ct); // the absorbed record's key is no longer needed to read what moved

        // A fresh archive (no cached keys) reads every moved version under the survivor.
        var again = await OpenArchiveAsync(CreateDialect(Root));
        var read = (await again.Entries.GetAsync(RecordKind.Condition, moved.Id, Ct))!;
        Assert.Equal((w.Main, "inactive"), (read.PatientKey, read.Body.State));
        Assert.Equal(2, (await again.Entries.VersionsAsync(RecordKind.Condition, moved.Id, Ct)).Count);
        Assert.Equal("wrong chart", (await again.Entries.GetAsync(RecordKind.Note, withdrawn.Id, Ct))!.Withdrawn!.Reason);
        Assert.Equal([moved.Id], (await again.Entries.FindAsync(new EntryQuery([RecordKind.Condition], MainReach) { PatientKey = w.Main }, Ct)).Entries.Select(e => e.Id));
        Assert.Equal(0, (await again.Entries.FindAsync(new EntryQuery([RecordKind.Condition], MainReach) { PatientKey = duplicate }, Ct)).Total);
        Assert.All(await new SqlRecordHistory(again.Index.Dialect).ReadAsync(read.Ref, Ct), v => Assert.Equal(w.Main, v.Item.PatientKey));
    }

    [Fact]
    public async Task DestroyedPatientKey_MakesTheEntriesUnreadable()
    {
        var w = await OpenAsync();
        var e = await w.Store.AddAsync(w.Main, Diabetes(), new VersionNote("dr-1", "r"), Ct);
        await w.Store.AddAsync(w.North, Diabetes(), new VersionNote("dr-1", "r"), Ct);
        await Keyring.DestroyAsync((await w.Archive.Patients.GetAsync(w.Main, Ct))!.DataKey, Ct);

        var again = await OpenArchiveAsync(CreateDialect(Root));
        await Assert.ThrowsAsync<KeyDestroyedException>(() => again.Entries.GetAsync(RecordKind.Condition, e.Id, Ct));
        await Assert.ThrowsAsync<KeyDestroyedException>(() => again.Entries.VersionsAsync(RecordKind.Condition, e.Id, Ct));
        var both = new PatientReach(new HashSet<string> { "main", "north" }, new HashSet<long>());
        Assert.Equal(1, (await again.Entries.FindAsync(new EntryQuery([RecordKind.Condition], both), Ct)).Total); // left out of searches
    }

    [Fact]
    public async Task OwnerResolvers_NameTheEntrysPatientClinicAndCategory()
    {
        var w = await OpenAsync();
        var e = await w.Store.AddAsync(w.North, Diabetes(), new VersionNote("dr-n", "r"), Ct);
        var owners = new RecordOwners(RecordKind.Entries.Select(k => new EntryOwnerResolver(k, w.Store, w.Archive.Patients)));
        var owner = (await owners.ResolveAsync(RecordKind.Condition, e.Id, Ct))!;
        Assert.Equal((w.North, "north", RecordCategory.MedicalHistory, $"condition {e.Id}"), (owner.Item.PatientKey, owner.Clinic, owner.Item.Category, owner.Item.ToString()));
        foreach (var kind in RecordKind.Entries.Where(k => k != RecordKind.Condition)) Assert.Null(await owners.ResolveAsync(kind, e.Id, Ct));
        Assert.Null(await owners.ResolveAsync(RecordKind.Condition, "0123456789abcdef0123456789abcdef", Ct));
        Assert.Null(await owners.ResolveAsync(RecordKind.Condition, new string('a', 65), Ct));
    }

    // ---- the verbs over it --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Note_DraftRevised_SignedByAClinicianOnly_ThenLocked()
    {
        var w = await OpenAsync();
        // A hygienist (ClinicalNotes: Read, Create) writes, revises and signs their own draft as its creator …
        var own = (await w.Verbs.AddAsync(Hygienist, w.Main, Note(), "", Purpose.Treatment, null, Ct)).Value!;
        var ownRevised = await w.Verbs.ReviseAsync(Hygienist, RecordKind.Note, own.Id, 1, Note("Scaling, 4 quadrants."), "typo", Purpose.Treatment, null, Ct);
        Assert.True(ownRevised.Done, ownRevised.Message);
        var ownSigned = await w.Verbs.SignNoteAsync(Hygienist, own.Id, 2, Purpose.Treatment, null, Ct);
        Assert.True(ownSigned.Done, ownSigned.Message);
        Assert.Equal("hy-1", Assert.IsType<ClinicalNote>(ownSigned.Value!.Body).SignedBy);

        // … but changing or signing a dentist's draft is an amendment, which the role table gives dentists only.
        var draft = (await w.Verbs.AddAsync(Dentist, w.Main, Note(), "", Purpose.Treatment, null, Ct)).Value!;
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.ReviseAsync(Hygienist, RecordKind.Note, draft.Id, 1, Note("x"), "typo", Purpose.Treatment, null, Ct)).Outcome);
        var revised = await w.Verbs.ReviseAsync(Dentist, RecordKind.Note, draft.Id, 1, Note("Caries on 36 distal and 37 mesial."), "typo", Purpose.Treatment, null, Ct);
        Assert.True(revised.Done, revised.Message);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.SignNoteAsync(Hygienist, draft.Id, 2, Purpose.Treatment, null, Ct)).Outcome);

        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.SignNoteAsync(Desk, draft.Id, 2, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.SignNoteAsync(Lab, draft.Id, 2, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Conflict, (await w.Verbs.SignNoteAsync(Dentist, draft.Id, 1, Purpose.Treatment, null, Ct)).Outcome); // stale
        var signed = await w.Verbs.SignNoteAsync(Dentist, draft.Id, 2, Purpose.Treatment, null, Ct);
        Assert.True(signed.Done, signed.Message);
        var note = Assert.IsType<ClinicalNote>(signed.Value!.Body);
        Assert.Equal(("signed", "dr-1", 3), (note.Status, note.SignedBy, signed.Value.Version));

        var locked = await w.Verbs.ReviseAsync(Dentist, RecordKind.Note, draft.Id, 3, Note("rewritten"), "change", Purpose.Treatment, null, Ct);
        Assert.Equal((PatientOutcome.Conflict, "NoteLocked"), (locked.Outcome, locked.Problem?.Code));
        Assert.Equal(PatientOutcome.Conflict, (await w.Verbs.SignNoteAsync(Dentist, draft.Id, 3, Purpose.Treatment, null, Ct)).Outcome);
        var selfSigned = await w.Verbs.AddAsync(Dentist, w.Main, Note() with { Status = "signed", SignedBy = "dr-1", SignedAt = DateTimeOffset.UtcNow }, "", Purpose.Treatment, null, Ct);
        Assert.Equal(PatientOutcome.Invalid, selfSigned.Outcome); // a note is signed only by the sign action
        Assert.Equal(3, (await w.Verbs.HistoryAsync(Dentist, RecordKind.Note, draft.Id, Purpose.Treatment, null, Ct)).Value!.Count);
    }

    [Fact]
    public async Task Addendum_OnlyToASignedNoteOfThePatient()
    {
        var w = await OpenAsync();
        var draft = (await w.Verbs.AddAsync(Dentist, w.Main, Note(), "", Purpose.Treatment, null, Ct)).Value!;
        var early = await w.Verbs.AddAsync(Dentist, w.Main, Note("addendum", appends: draft.Id), "", Purpose.Treatment, null, Ct);
        Assert.Equal((PatientOutcome.Invalid, "AppendsDraft"), (early.Outcome, early.Problem?.Code));
        var unknown = await w.Verbs.AddAsync(Dentist, w.Main, Note("addendum", appends: "0123456789abcdef0123456789abcdef"), "", Purpose.Treatment, null, Ct);
        Assert.Equal((PatientOutcome.Invalid, "AppendsUnknown"), (unknown.Outcome, unknown.Problem?.Code));

        Assert.True((await w.Verbs.SignNoteAsync(Dentist, draft.Id, 1, Purpose.Treatment, null, Ct)).Done);
        var otherPatient = await w.Verbs.AddAsync(NorthDentist, w.North, Note("addendum", appends: draft.Id), "", Purpose.Treatment, null, Ct);
        Assert.Equal((PatientOutcome.Invalid, "AppendsUnknown"), (otherPatient.Outcome, otherPatient.Problem?.Code));
        var addendum = await w.Verbs.AddAsync(Dentist, w.Main, Note("Radiograph confirms 37 mesial lesion.", appends: draft.Id), "", Purpose.Treatment, null, Ct);
        Assert.True(addendum.Done, addendum.Message);
        Assert.Equal(draft.Id, ((ClinicalNote)addendum.Value!.Body).Appends);
        Assert.True((await w.Verbs.SignNoteAsync(Dentist, addendum.Value.Id, 1, Purpose.Treatment, null, Ct)).Done);
    }

    [Fact]
    public async Task ConcurrentRevisionsOfOneVersion_ExactlyOneWins()
    {
        var w = await OpenAsync();
        var e = (await w.Verbs.AddAsync(Dentist, w.Main, Diabetes(), "", Purpose.Treatment, null, Ct)).Value!;
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            w.Verbs.ReviseAsync(Dentist, RecordKind.Condition, e.Id, 1, Diabetes(note: $"writer {i}"), $"writer {i}", Purpose.Treatment, null, Ct))));
        Assert.Single(answers, a => a.Done);
        Assert.All(answers.Where(a => !a.Done), a => Assert.Equal(PatientOutcome.Conflict, a.Outcome));
        Assert.Equal([1, 2], (await w.Store.VersionsAsync(RecordKind.Condition, e.Id, Ct)).Select(v => v.Version));
        Assert.Equal(2, (await new SqlRecordHistory(w.Archive.Index.Dialect).ReadAsync(e.Ref, Ct)).Count);
        var audit = await w.Archive.Security.Audit.QueryAsync(new AuditQuery { PatientKey = w.Main, Limit = 1000 }, Ct);
        Assert.Single(audit, r => r.Event.Detail == "entry-revised version 2");
    }

    [Fact]
    public async Task LabCase_MovesAlongItsTrailInOrder()
    {
        var w = await OpenAsync();
        var order = new LabCase("Kowloon Dental Lab", "PFM crown, 36", "A2", ["36"], [], "2027-01-20");
        var lab = (await w.Verbs.AddAsync(Dentist, w.Main, order, "", Purpose.Treatment, null, Ct)).Value!;
        Assert.Equal(PatientOutcome.Invalid, (await w.Verbs.AddAsync(Dentist, w.Main, order with { Status = "sent" }, "", Purpose.Treatment, null, Ct)).Outcome);

        var skipped = await w.Verbs.AdvanceAsync(Dentist, RecordKind.LabCase, lab.Id, 1, "received", "", Purpose.Treatment, null, Ct);
        Assert.Equal((PatientOutcome.Conflict, "TrailStep"), (skipped.Outcome, skipped.Problem?.Code));
        int version = 1;
        foreach (var (step, actor) in new[] { ("sent", Dentist), ("received", Lab), ("returned", Lab), ("checked", Dentist) })
        {
            var moved = await w.Verbs.AdvanceAsync(actor, RecordKind.LabCase, lab.Id, version, step, $"{step} ok", Purpose.Treatment, null, Ct);
            Assert.True(moved.Done, $"{step}: {moved.Message}");
            version = moved.Value!.Version;
        }
        Assert.Equal(PatientOutcome.Conflict, (await w.Verbs.AdvanceAsync(Dentist, RecordKind.LabCase, lab.Id, version, "cancelled", "", Purpose.Treatment, null, Ct)).Outcome);
        var final = (LabCase)(await w.Store.GetAsync(RecordKind.LabCase, lab.Id, Ct))!.Body;
        Assert.Equal("checked", final.Status);
        Assert.Equal(["sent", "received", "returned", "checked"], final.Trail.Select(s => s.State));
        Assert.Equal(["dr-1", "lab-1", "lab-1", "dr-1"], final.Trail.Select(s => s.By));
        // A revision keeps the trail and cannot move the status.
        var statusByRevision = await w.Verbs.ReviseAsync(Dentist, RecordKind.LabCase, lab.Id, version, order with { Status = "sent" }, "x", Purpose.Treatment, null, Ct);
        Assert.Equal(PatientOutcome.Invalid, statusByRevision.Outcome);
        Assert.Equal(PatientOutcome.Invalid, (await w.Verbs.AdvanceAsync(Dentist, RecordKind.Condition, lab.Id, version, "sent", "", Purpose.Treatment, null, Ct)).Outcome);
    }

    [Fact]
    public async Task Receptionist_IsRefusedMedicalHistoryAndNotes_ButRecordsCoverage()
    {
        var w = await OpenAsync();
        var condition = (await w.Verbs.AddAsync(Dentist, w.Main, Diabetes(), "", Purpose.Treatment, null, Ct)).Value!;
        var note = (await w.Verbs.AddAsync(Dentist, w.Main, Note(), "", Purpose.Treatment, null, Ct)).Value!;

        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.AddAsync(Desk, w.Main, Diabetes(), "", Purpose.Operations, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.AddAsync(Desk, w.Main, Note(), "", Purpose.Operations, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.ReadAsync(Desk, RecordKind.Condition, condition.Id, null, Purpose.Operations, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.ReadAsync(Desk, RecordKind.Note, note.Id, null, Purpose.Operations, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.FindAsync(Desk, new EntryQuery([RecordKind.Note], PatientReach.None), Purpose.Operations, Ct)).Outcome);
        Assert.Equal(PatientOutcome.Denied, (await w.Verbs.FindAsync(Desk, new EntryQuery([RecordKind.Condition], PatientReach.None) { PatientKey = w.Main }, Purpose.Operations, Ct)).Outcome);

        var coverage = await w.Verbs.AddAsync(Desk, w.Main, new Coverage("AIA", "Dental Plus", "M-7781", "self", "self", "2026-01-01", ""), "", Purpose.Operations, null, Ct);
        Assert.True(coverage.Done, coverage.Message);
        var everything = await w.Verbs.EverythingAsync(Desk, w.Main, Purpose.Operations, Ct);
        Assert.Equal([RecordKind.Coverage], everything.Value!.Select(e => e.Kind));
    }

    [Fact]
    public async Task OutOfReach_AndUnknown_AnswerNotFound()
    {
        var w = await OpenAsync();
        var e = (await w.Verbs.AddAsync(Dentist, w.Main, Diabetes(), "", Purpose.Treatment, null, Ct)).Value!;
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.ReadAsync(NorthDentist, RecordKind.Condition, e.Id, null, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.ReviseAsync(NorthDentist, RecordKind.Condition, e.Id, 1, Diabetes("resolved"), "x", Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.MarkEnteredInErrorAsync(NorthDentist, RecordKind.Condition, e.Id, "x", Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.HistoryAsync(NorthDentist, RecordKind.Condition, e.Id, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.ReadAsync(Dentist, RecordKind.Condition, "0123456789abcdef0123456789abcdef", null, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.ReadAsync(Dentist, RecordKind.Allergy, e.Id, null, Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.AddAsync(NorthDentist, w.Main, Diabetes(), "", Purpose.Treatment, null, Ct)).Outcome);
        Assert.Equal(PatientOutcome.NotFound, (await w.Verbs.FindAsync(NorthDentist, new EntryQuery([RecordKind.Condition], PatientReach.None) { PatientKey = w.Main }, Purpose.Treatment, Ct)).Outcome);
        Assert.Equal(0, (await w.Verbs.FindAsync(NorthDentist, new EntryQuery([RecordKind.Condition], PatientReach.None), Purpose.Treatment, Ct)).Value.Total);
        Assert.Equal(1, (await w.Verbs.FindAsync(Dentist, new EntryQuery([RecordKind.Condition], PatientReach.None), Purpose.Treatment, Ct)).Value.Total);
    }

    [Fact]
    public async Task EveryWrite_LeavesOneAuditEntryNamingTheEntry()
    {
        var w = await OpenAsync();
        var note = (await w.Verbs.AddAsync(Dentist, w.Main, Note(), "", Purpose.Treatment, null, Ct)).Value!;
        Assert.True((await w.Verbs.ReviseAsync(Dentist, RecordKind.Note, note.Id, 1, Note("more"), "typo", Purpose.Treatment, null, Ct)).Done);
        Assert.True((await w.Verbs.SignNoteAsync(Dentist, note.Id, 2, Purpose.Treatment, null, Ct)).Done);
        Assert.True((await w.Verbs.MarkEnteredInErrorAsync(Dentist, RecordKind.Note, note.Id, "wrong patient", Purpose.Treatment, null, Ct)).Done);
        var lab = (await w.Verbs.AddAsync(Dentist, w.Main, new LabCase("Lab", "crown", "A2", ["36"], [], "2027-01-01"), "", Purpose.Treatment, null, Ct)).Value!;
        Assert.True((await w.Verbs.AdvanceAsync(Dentist, RecordKind.LabCase, lab.Id, 1, "sent", "", Purpose.Treatment, null, Ct)).Done);
        // Refused and failed writes leave no write entry.
        Assert.False((await w.Verbs.ReviseAsync(Dentist, RecordKind.LabCase, lab.Id, 1, new LabCase("Lab", "crown", "A3", ["36"], [], "2027-01-01", "sent"), "x", Purpose.Treatment, null, Ct)).Done);

        var audit = await w.Archive.Security.Audit.QueryAsync(new AuditQuery { PatientKey = w.Main, Limit = 1000 }, Ct);
        string[] Writes(RecordEntry e) => [.. audit.Where(r => r.Event.Object.Text.EndsWith($"{e.Kind.Name} {e.Id}", StringComparison.Ordinal) && r.Event.Detail.Contains("version", StringComparison.Ordinal)
            || r.Event.Detail == "entry-entered-in-error" && r.Event.Object.Text.EndsWith(e.Id, StringComparison.Ordinal)).Select(r => r.Event.Detail)];
        Assert.Equal(["entry-recorded version 1", "entry-revised version 2", "note-signed version 3", "entry-entered-in-error"], Writes(note));
        Assert.Equal(["entry-recorded version 1", "entry-status sent version 2"], Writes(lab));
        Assert.All(audit.Where(r => r.Event.Detail.StartsWith("entry-", StringComparison.Ordinal)), r => Assert.Equal(w.Main, r.Event.PatientKey));
    }
}

public sealed class SqliteRecordEntryTests : RecordEntryContract
{
    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Sqlite(Path.Combine(folder, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRecordEntryTests(PostgresServer server) : RecordEntryContract
{
    private string? database;

    protected override SqlDialect CreateDialect(string folder) => SqlDialect.Postgres(database ??= server.CreateDatabase());
}
