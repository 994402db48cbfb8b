using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Patients;
using Enamel.Core.Referrals;

namespace Enamel.Core.Records;

/// <summary>
/// The clinical record's verbs, for every kind of entry: record, revise, read (one version or all), find, mark
/// entered-in-error, sign a note, move a lab case or referral along its trail. Each decides on the entry's category
/// and the patient's reach (unknown and out-of-reach answer alike: not found), checks the body before anything is
/// written, and commits the entry's version with its audit entry in one change.
/// </summary>
public sealed class RecordEntries(IRecordEntryStore store, IPatientStore patients, AccessPolicy policy, IUnitOfWork changes, TimeProvider time)
{
    /// <summary>The roles that sign clinical notes.</summary>
    public static readonly string[] Clinicians = [RoleTable.Dentist, RoleTable.Hygienist];

    public const int MaxResults = 1000;

    public async Task<PatientAnswer<RecordEntry>> AddAsync(Actor actor, long patientKey, EntryBody? body, string reason, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct)
    {
        if (CheckNew(body) is { } problem) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, problem);
        var create = new Operation(body!.Category, RecordAction.Create);
        var (refusal, patient) = await DecidePatientAsync(actor, patientKey, create, purpose, decided, ct);
        if (refusal is not null) return refusal.Refused<RecordEntry>();
        if (patient!.Status == PatientStatus.Merged)
            return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Conflict, $"this record was merged into patient {patient.MergedInto}: record it there");
        if (await CheckAppendsAsync(patientKey, body, ct) is { } appends) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, appends);
        RecordEntry entry;
        await using (var change = await changes.BeginAsync(ct))
        {
            entry = await change.Entries.AddAsync(patientKey, body, Note(actor, reason, "recorded"), ct);
            await change.AuditAsync(policy.DataEvent(actor, create, ScopeOf(entry.Ref, patient.Clinic), purpose, "entry-recorded version 1"), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<RecordEntry>.Ok(entry);
    }

    /// <summary>A new version of an entry (the old one stays readable). Signed notes change only by addenda; a trail only by <see cref="AdvanceAsync"/>.</summary>
    public async Task<PatientAnswer<RecordEntry>> ReviseAsync(Actor actor, RecordKind kind, string id, int expectedVersion, EntryBody? body, string reason,
        Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        if (body is null) return Fail<RecordEntry>(PatientOutcome.Invalid, "EntryBodyRequired", "the entry is empty");
        if (body.Kind != kind) return Fail<RecordEntry>(PatientOutcome.Invalid, "EntryKind", $"the entry is a {kind}, not a {body.Kind}");
        if (string.IsNullOrWhiteSpace(reason)) return Fail<RecordEntry>(PatientOutcome.Invalid, "AmendReason", "a reason for the change is required");
        if (body.Check() is { } problem) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, problem);
        var (refusal, current, clinic) = await DecideEntryAsync(actor, kind, id, RecordAction.Amend, purpose, decided, ct, ownDraftIsCreate: true);
        if (refusal is not null) return refusal;
        if (body.Category != current!.Body.Category)
        {
            var into = await policy.DecideAsync(actor, new Operation(body.Category, RecordAction.Amend), ScopeOf(current.Ref with { Category = body.Category }, clinic), purpose, ct);
            if (!into.Allowed) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Denied, $"{body.Category}:Amend denied ({into.Rule})");
        }
        if (current.Status == VersionStatus.EnteredInError) return Fail<RecordEntry>(PatientOutcome.Conflict, "EnteredInError", "the entry was marked entered-in-error: record a new one");
        switch (current.Body, body)
        {
            case (ClinicalNote { IsSigned: true }, _):
                return Fail<RecordEntry>(PatientOutcome.Conflict, "NoteLocked", "a signed note is locked: add an addendum instead");
            case (ClinicalNote old, ClinicalNote @new) when @new.IsSigned || @new.SignedBy.Length > 0 || @new.Appends != old.Appends:
                return Fail<RecordEntry>(PatientOutcome.Invalid, "NoteSignedBySign", "a note is signed with the sign action, and what it appends does not change");
            case (Documents.Document old, Documents.Document @new) when @new.BlobKey != old.BlobKey || @new.Size != old.Size || @new.Sha256 != old.Sha256 || @new.ContentType != old.ContentType:
                return Fail<RecordEntry>(PatientOutcome.Invalid, "DocumentContentFixed", "a document's content does not change: file the new one as a new document");
            case (LabCase old, LabCase @new) when @new.Status != old.Status:
                return Fail<RecordEntry>(PatientOutcome.Invalid, "TrailByAdvance", "a lab case's status moves with the advance action");
            case (Referral old, Referral @new) when @new.Status != old.Status:
                return Fail<RecordEntry>(PatientOutcome.Invalid, "TrailByAdvance", "a referral's status moves with the advance action");
        }
        body = (current.Body, body) switch
        {
            (LabCase old, LabCase @new) => @new with { Trail = old.Trail },
            (Referral old, Referral @new) => @new with { Trail = old.Trail },
            _ => body,
        };
        return await WriteVersionAsync(actor, current, clinic, expectedVersion, body, reason.Trim(), purpose, $"entry-revised version {expectedVersion + 1}", ct);
    }

    /// <summary>
    /// Signs a draft note: a new version, status signed, with the signer and time; locked from then on. Only a clinician
    /// signs: the note's author completes their own draft (decided as ClinicalNotes:Create, which a hygienist holds);
    /// signing someone else's draft is an amendment (ClinicalNotes:Amend, a dentist's).
    /// </summary>
    public async Task<PatientAnswer<RecordEntry>> SignNoteAsync(Actor actor, string id, int expectedVersion, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        if (!actor.Roles.Any(Clinicians.Contains)) return Fail<RecordEntry>(PatientOutcome.Denied, "SignClinician", "only a dentist or hygienist signs clinical notes");
        var (refusal, current, clinic) = await DecideEntryAsync(actor, RecordKind.Note, id, RecordAction.Amend, purpose, decided, ct, ownDraftIsCreate: true);
        if (refusal is not null) return refusal;
        if (current!.Status == VersionStatus.EnteredInError) return Fail<RecordEntry>(PatientOutcome.Conflict, "EnteredInError", "the note was marked entered-in-error");
        var note = (ClinicalNote)current.Body;
        if (note.IsSigned) return Fail<RecordEntry>(PatientOutcome.Conflict, "NoteSigned", "the note is signed already");
        var signed = note with { Status = "signed", SignedBy = actor.UserId, SignedAt = time.GetUtcNow() };
        return await WriteVersionAsync(actor, current, clinic, expectedVersion, signed, "signed", purpose, $"note-signed version {expectedVersion + 1}", ct);
    }

    /// <summary>Moves a lab case or a referral one step along its trail (or cancels it), with an optional remark.</summary>
    public async Task<PatientAnswer<RecordEntry>> AdvanceAsync(Actor actor, RecordKind kind, string id, int expectedVersion, string to, string remark,
        Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        if (kind != RecordKind.LabCase && kind != RecordKind.Referral) return Fail<RecordEntry>(PatientOutcome.Invalid, "AdvanceKind", "only lab cases and referrals move along a trail");
        if (EntryRules.Text("remark", remark ?? "") is { } bad) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, bad);
        var (refusal, current, clinic) = await DecideEntryAsync(actor, kind, id, RecordAction.Amend, purpose, decided, ct);
        if (refusal is not null) return refusal;
        if (current!.Status == VersionStatus.EnteredInError) return Fail<RecordEntry>(PatientOutcome.Conflict, "EnteredInError", "the entry was marked entered-in-error");
        var step = new StatusStep(to, time.GetUtcNow(), actor.UserId, (remark ?? "").Trim());
        EntryBody? next = current.Body switch
        {
            LabCase l when LabCase.CanMove(l.Status, to) => l with { Status = to, Trail = [.. l.Trail, step] },
            Referral r when Referral.CanMove(r.Status, to) => r with { Status = to, Trail = [.. r.Trail, step] },
            _ => null,
        };
        if (next is null) return Fail<RecordEntry>(PatientOutcome.Conflict, "TrailStep", $"cannot move from {current.Body.State} to {to}");
        return await WriteVersionAsync(actor, current, clinic, expectedVersion, next, $"status {to}", purpose, $"entry-status {to} version {expectedVersion + 1}", ct);
    }

    public async Task<PatientAnswer<RecordEntry>> MarkEnteredInErrorAsync(Actor actor, RecordKind kind, string id, string reason, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Fail<RecordEntry>(PatientOutcome.Invalid, "AmendReason", "a reason is required");
        if (EntryRules.Text("reason", reason.Trim()) is { } bad) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, bad);
        var (refusal, current, clinic) = await DecideEntryAsync(actor, kind, id, RecordAction.Amend, purpose, decided, ct);
        if (refusal is not null) return refusal;
        RecordEntry? marked;
        await using (var change = await changes.BeginAsync(ct))
        {
            marked = await change.Entries.MarkEnteredInErrorAsync(kind, id, new StatusChange(actor.UserId, time.GetUtcNow(), reason.Trim()), ct);
            if (marked is null) return Fail<RecordEntry>(PatientOutcome.Conflict, "EnteredInError", "the entry is marked entered-in-error already");
            await change.AuditAsync(policy.DataEvent(actor, new Operation(current!.Body.Category, RecordAction.Amend), ScopeOf(current.Ref, clinic), purpose, "entry-entered-in-error"), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<RecordEntry>.Ok(marked);
    }

    /// <summary>The latest version, or version <paramref name="version"/> when given.</summary>
    public async Task<PatientAnswer<RecordEntry>> ReadAsync(Actor actor, RecordKind kind, string id, int? version, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var (refusal, current, _) = await DecideEntryAsync(actor, kind, id, RecordAction.Read, purpose, decided, ct);
        if (refusal is not null) return refusal;
        if (version is null || version == current!.Version) return PatientAnswer<RecordEntry>.Ok(current!);
        var old = await store.GetVersionAsync(kind, id, version.Value, ct);
        return old is null ? Fail<RecordEntry>(PatientOutcome.NotFound, "NoVersion", "no such version") : PatientAnswer<RecordEntry>.Ok(old);
    }

    /// <summary>
    /// The latest version taken out of the vault (a printed prescription, a downloaded report), decided as Export on the
    /// entry's category, with the patient it belongs to (what the copy names).
    /// </summary>
    public async Task<PatientAnswer<(RecordEntry Entry, Patient Patient)>> ExportAsync(Actor actor, RecordKind kind, string id, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct)
    {
        var (refusal, current, _) = await DecideEntryAsync(actor, kind, id, RecordAction.Export, purpose, decided, ct);
        if (refusal is not null) return PatientAnswer<(RecordEntry, Patient)>.Fail(refusal.Outcome, refusal.Message);
        if (current!.Status == VersionStatus.EnteredInError) return Fail<(RecordEntry, Patient)>(PatientOutcome.Conflict, "EnteredInError", "the entry was marked entered-in-error");
        return PatientAnswer<(RecordEntry, Patient)>.Ok((current, (await patients.GetAsync(current.PatientKey, ct))!));
    }

    /// <summary>Every version of an entry, oldest first.</summary>
    public async Task<PatientAnswer<IReadOnlyList<RecordEntry>>> HistoryAsync(Actor actor, RecordKind kind, string id, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var (refusal, _, _) = await DecideEntryAsync(actor, kind, id, RecordAction.Read, purpose, decided, ct);
        if (refusal is not null) return PatientAnswer<IReadOnlyList<RecordEntry>>.Fail(refusal.Outcome, refusal.Message);
        return PatientAnswer<IReadOnlyList<RecordEntry>>.Ok(await store.VersionsAsync(kind, id, ct));
    }

    /// <summary>
    /// A search over the kinds of <paramref name="query"/> within what the actor reaches. Refused (not silently empty)
    /// when the actor may not read a category the kinds belong to; <see cref="EntryQuery.Reach"/> is replaced by the policy's.
    /// For one patient (<see cref="EntryQuery.PatientKey"/>) the decision is on that patient's record.
    /// </summary>
    public async Task<PatientAnswer<(IReadOnlyList<RecordEntry> Entries, int Total)>> FindAsync(Actor actor, EntryQuery query, Purpose purpose, CancellationToken ct)
    {
        if (query.Kinds.Count == 0 || query.Kinds.Any(k => !k.IsEntry)) return Fail<(IReadOnlyList<RecordEntry>, int)>(PatientOutcome.Invalid, "EntryKinds", "name the kinds of entry to search");
        if (query.DateFrom is { Length: > 0 } from && !EntryRules.IsDate(from, future: true) || query.DateTo is { Length: > 0 } to && !EntryRules.IsDate(to, future: true))
            return Fail<(IReadOnlyList<RecordEntry>, int)>(PatientOutcome.Invalid, "EntryDate", "date: expected yyyy, yyyy-MM or yyyy-MM-dd");
        PatientReach? reach = null;
        foreach (var category in query.Kinds.Select(CategoryOf).Distinct())
        {
            var read = new Operation(category, RecordAction.Read);
            PatientReach categoryReach;
            if (query.PatientKey is { } key)
            {
                var (refusal, _) = await DecidePatientAsync(actor, key, read, purpose, null, ct);
                if (refusal is not null) return PatientAnswer<(IReadOnlyList<RecordEntry>, int)>.Fail(refusal.Outcome, refusal.Message);
                categoryReach = PatientReach.OnePatient(key);
            }
            else
            {
                var search = await policy.SearchReachAsync(actor, read, purpose, KindNames(query.Kinds), ct);
                if (!search.Allowed) return PatientAnswer<(IReadOnlyList<RecordEntry>, int)>.Fail(PatientOutcome.Denied, $"{read} denied ({search.Decision.Rule})");
                categoryReach = search.Reach;
            }
            // Several categories: only patients every one of them reaches.
            reach = reach is null ? categoryReach : Intersect(reach, categoryReach);
        }
        var found = await store.FindAsync(query with { Reach = reach ?? PatientReach.None, Limit = Math.Clamp(query.Limit, 0, MaxResults), Skip = Math.Max(0, query.Skip) }, ct);
        if (!query.Kinds.Contains(RecordKind.Document)) return PatientAnswer<(IReadOnlyList<RecordEntry>, int)>.Ok(found);
        // A document is read under the category it is filed in: leave out those the actor's roles may not read at all.
        var capabilities = await policy.CapabilitiesAsync(actor, ct);
        var visible = found.Entries.Where(e => e.Kind != RecordKind.Document || capabilities.Permits(new Operation(e.Body.Category, RecordAction.Read))).ToList();
        return PatientAnswer<(IReadOnlyList<RecordEntry>, int)>.Ok((visible, found.Total - (found.Entries.Count - visible.Count)));
    }

    /// <summary>
    /// The history of a kind of entry (FHIR type-level history): every version recorded since <paramref name="since"/> of
    /// the <paramref name="limit"/> entries most recently changed within the actor's reach, decided as a search of their
    /// categories; oldest first.
    /// </summary>
    public async Task<PatientAnswer<IReadOnlyList<RecordEntry>>> KindHistoryAsync(Actor actor, IReadOnlyCollection<RecordKind> kinds, DateTimeOffset? since, int limit,
        Purpose purpose, CancellationToken ct)
    {
        var found = await FindAsync(actor, new EntryQuery(kinds, PatientReach.None) { UpdatedSince = since, IncludeEnteredInError = true, Limit = limit }, purpose, ct);
        if (!found.Done) return PatientAnswer<IReadOnlyList<RecordEntry>>.Fail(found.Outcome, found.Message);
        var versions = new List<RecordEntry>();
        foreach (var entry in found.Value.Entries)
            versions.AddRange((await store.VersionsAsync(entry.Kind, entry.Id, ct)).Where(v => since is null || v.Recorded >= since));
        return PatientAnswer<IReadOnlyList<RecordEntry>>.Ok([.. versions.OrderBy(v => v.Recorded).ThenBy(v => v.Version)]);
    }

    /// <summary>
    /// One patient's entries of the categories the actor may read, for "everything" views (FHIR Patient/$everything,
    /// the chart): a category the actor may not read is left out (and named in the answer's message), not refused;
    /// refused only when no category may be read. Each category is decided (and audited) on the patient.
    /// </summary>
    public async Task<PatientAnswer<IReadOnlyList<RecordEntry>>> EverythingAsync(Actor actor, long patientKey, Purpose purpose, CancellationToken ct)
    {
        var patient = await patients.GetAsync(patientKey, ct);
        var readable = new HashSet<RecordCategory>();
        var left = new List<RecordCategory>();
        // Every category of the patient's record a document can be filed under (the entry kinds' categories among them),
        // decided together and recorded in one commit.
        var categories = Documents.Document.Categories;
        var decisions = await policy.DecideEachAsync(actor, [.. categories.Select(c => new Operation(c, RecordAction.Read))],
            patient is null ? ResourceScope.ForPatient(patientKey, "") : RegisterPatient.ScopeOf(patientKey, patient.Clinic), purpose, changes, ct);
        if (patient is null || decisions.Any(d => d.IsOutOfReach)) return PatientAnswer<IReadOnlyList<RecordEntry>>.Fail(PatientOutcome.NotFound, "no such patient within your reach");
        for (int i = 0; i < categories.Length; i++)
            if (decisions[i].Allowed) readable.Add(categories[i]); else left.Add(categories[i]);
        var kinds = RecordKind.Entries.Where(k => k == RecordKind.Document || readable.Contains(CategoryOf(k))).ToList();
        if (readable.Count == 0) return PatientAnswer<IReadOnlyList<RecordEntry>>.Fail(PatientOutcome.Denied, "no category of the patient's record may be read");
        var (entries, _) = await store.FindAsync(new EntryQuery(kinds, PatientReach.OnePatient(patientKey)) { PatientKey = patientKey, Limit = int.MaxValue }, ct);
        var visible = entries.Where(e => readable.Contains(e.Body.Category)).ToList();
        return PatientAnswer<IReadOnlyList<RecordEntry>>.Ok(visible, left.Count == 0 ? "" : "left out: " + string.Join(", ", left));
    }

    /// <summary>The category entries of <paramref name="kind"/> are decided on (documents: the category they are filed under, decided per document).</summary>
    public static RecordCategory CategoryOf(RecordKind kind) =>
        kind == RecordKind.Coverage || kind == RecordKind.LedgerLine ? RecordCategory.InsuranceBilling
        : kind == RecordKind.Condition || kind == RecordKind.Allergy || kind == RecordKind.Medication || kind == RecordKind.PastProcedure ? RecordCategory.MedicalHistory
        : kind == RecordKind.Procedure || kind == RecordKind.Prescription ? RecordCategory.TreatmentRecords
        : kind == RecordKind.Note ? RecordCategory.ClinicalNotes
        : kind == RecordKind.LabCase ? RecordCategory.LabReports
        : kind == RecordKind.Referral ? RecordCategory.Referrals
        : kind == RecordKind.Document ? RecordCategory.Demographics
        : throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, "not a clinical record entry");

    public static ResourceScope ScopeOf(RecordRef item, string clinic) => ResourceScope.ForPatient(item.PatientKey, clinic, item.ToString());

    private async Task<PatientAnswer<RecordEntry>> WriteVersionAsync(Actor actor, RecordEntry current, string clinic, int expectedVersion, EntryBody body,
        string reason, Purpose purpose, string detail, CancellationToken ct)
    {
        RecordEntry? written;
        await using (var change = await changes.BeginAsync(ct))
        {
            written = await change.Entries.ReviseAsync(current.Kind, current.Id, expectedVersion, body, new VersionNote(actor.UserId, reason), ct);
            if (written is null) return Fail<RecordEntry>(PatientOutcome.Conflict, "Stale", "the entry changed since you opened it: reload and try again");
            await change.AuditAsync(policy.DataEvent(actor, new Operation(body.Category, RecordAction.Amend), ScopeOf(written.Ref, clinic), purpose, detail), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<RecordEntry>.Ok(written);
    }

    /// <summary>
    /// The action a change to an entry is decided as: writing one's own draft note (revising it, signing it) is part of
    /// creating it (Create); every other change to an entry is an amendment (Amend).
    /// </summary>
    public async Task<RecordAction> ChangeActionAsync(Actor actor, RecordKind kind, string id, CancellationToken ct) =>
        kind != RecordKind.Note || id.Length is 0 or > 64 ? RecordAction.Amend : await ChangeActionOfAsync(actor, await store.GetAsync(kind, id, ct), ct);

    private async Task<RecordAction> ChangeActionOfAsync(Actor actor, RecordEntry? current, CancellationToken ct)
    {
        if (current is not { Body: ClinicalNote { IsSigned: false }, Status: not VersionStatus.EnteredInError }) return RecordAction.Amend;
        var first = current.Version == 1 ? current : await store.GetVersionAsync(current.Kind, current.Id, 1, ct);
        return first?.AuthorId == actor.UserId ? RecordAction.Create : RecordAction.Amend;
    }

    /// <summary>
    /// Decides <paramref name="action"/> on an entry's category and its patient; unknown and out of reach answer alike.
    /// <paramref name="ownDraftIsCreate"/>: the action is <see cref="ChangeActionAsync"/>'s for the entry as read here.
    /// </summary>
    private async Task<(PatientAnswer<RecordEntry>? Refusal, RecordEntry? Entry, string Clinic)> DecideEntryAsync(Actor actor, RecordKind kind, string id,
        RecordAction action, Purpose purpose, DecidedOperation? decided, CancellationToken ct, bool ownDraftIsCreate = false)
    {
        var entry = kind.IsEntry && id.Length is > 0 and <= 64 ? await store.GetAsync(kind, id, ct) : null;
        if (ownDraftIsCreate && kind == RecordKind.Note) action = await ChangeActionOfAsync(actor, entry, ct);
        var patient = entry is null ? null : await patients.GetAsync(entry.PatientKey, ct);
        var operation = new Operation(entry?.Body.Category ?? (kind.IsEntry ? CategoryOf(kind) : RecordCategory.Demographics), action);
        var scope = entry is null || patient is null
            ? ResourceScope.ForClinic("", $"{kind} {(id.Length > 64 ? id[..64] : id)}") with { NamesRecord = true }
            : ScopeOf(entry.Ref, patient.Clinic);
        var decision = await policy.DecideOrReuseAsync(decided, actor, operation, scope, purpose, ct);
        if (entry is null || patient is null || decision.IsOutOfReach) return (Fail<RecordEntry>(PatientOutcome.NotFound, "NoEntry", $"no such {kind} within your reach"), null, "");
        if (!decision.Allowed) return (PatientAnswer<RecordEntry>.Fail(PatientOutcome.Denied, $"{operation} denied ({decision.Rule})"), null, "");
        return (null, entry, patient.Clinic);
    }

    private Task<(PatientAnswer<Patient>? Refusal, Patient? Patient)> DecidePatientAsync(Actor actor, long key, Operation operation, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct) => FindPatients.DecideFor(patients, policy, actor, key, operation, purpose, decided, ct);

    private static PatientReach Intersect(PatientReach a, PatientReach b)
    {
        // Conservative: clinics both reach, and patients both name (a patient named by one side and reached by clinic on the
        // other is left out; roles grant categories per clinic, so that case does not arise for staff).
        var clinics = a.Clinics.Intersect(b.Clinics).ToHashSet();
        var named = a.PatientKeys.Intersect(b.PatientKeys).ToHashSet();
        return new PatientReach(clinics, named);
    }

    private static string KindNames(IEnumerable<RecordKind> kinds) => string.Join(',', kinds.Select(k => k.Name));

    /// <summary>
    /// What a new entry must satisfy before anything is decided: the body's own rules, and what only other verbs create
    /// (a signature, an uploaded document, a trail past its draft).
    /// </summary>
    internal static PatientProblem? CheckNew(EntryBody? body)
    {
        if (body is null) return PatientProblem.Of("EntryBodyRequired", "the entry is empty");
        if (body.Check() is { } problem) return problem;
        return body switch
        {
            ClinicalNote { IsSigned: true } or ClinicalNote { SignedBy.Length: > 0 } =>
                PatientProblem.Of("NoteSignedBySign", "a note is recorded as a draft and signed with the sign action"),
            Documents.Document => PatientProblem.Of("DocumentByUpload", "a document is filed by uploading its content"),
            LabCase l when l.Status != "draft" || l.Trail.Count > 0 =>
                PatientProblem.Of("TrailFromDraft", "a lab case starts as a draft; its trail moves with the advance action"),
            Referral r when r.Status != "draft" || r.Trail.Count > 0 =>
                PatientProblem.Of("TrailFromDraft", "a referral starts as a draft; its trail moves with the advance action"),
            _ => null,
        };
    }

    /// <summary>An addendum appends a signed note of the same patient (null when <paramref name="body"/> is no addendum or its target fits).</summary>
    internal async Task<PatientProblem?> CheckAppendsAsync(long patientKey, EntryBody body, CancellationToken ct)
    {
        if (body is not ClinicalNote { Appends.Length: > 0 } addendum) return null;
        var target = await store.GetAsync(RecordKind.Note, addendum.Appends, ct);
        if (target is null || target.PatientKey != patientKey) return PatientProblem.Of("AppendsUnknown", "appends: no such note of this patient");
        if (target.Body is not ClinicalNote { IsSigned: true } || target.Status == VersionStatus.EnteredInError)
            return PatientProblem.Of("AppendsDraft", "appends: only a signed note takes addenda (revise a draft instead)");
        return null;
    }

    internal static VersionNote Note(Actor actor, string reason, string fallback) =>
        new(actor.UserId, string.IsNullOrWhiteSpace(reason) ? fallback : reason.Trim());

    private static PatientAnswer<T> Fail<T>(PatientOutcome outcome, string code, string text) => PatientAnswer<T>.Fail(outcome, PatientProblem.Of(code, text));
}
