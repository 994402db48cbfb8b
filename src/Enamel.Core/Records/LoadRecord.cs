using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Keys;
using Enamel.Core.Patients;

namespace Enamel.Core.Records;

/// <summary>
/// A patient's record loaded in one change (a FHIR transaction Bundle, a move from another system): a new patient or an
/// existing one, and new entries. Everything is checked and decided before anything is written; then the patient, every
/// entry and their audit entries commit together — or nothing does.
/// </summary>
public sealed record RecordLoad
{
    /// <summary>The patient to register with the entries (null: <see cref="PatientKey"/> names an existing one).</summary>
    public NewPatient? NewPatient { get; init; }

    /// <summary>The existing patient the entries belong to (null: <see cref="NewPatient"/>).</summary>
    public long? PatientKey { get; init; }

    public IReadOnlyList<EntryBody?> Entries { get; init; } = [];
}

/// <summary>The loaded patient (<paramref name="Registered"/>: new in this change) and the new entries in the order given.</summary>
public sealed record LoadedRecord(Patient Patient, bool Registered, IReadOnlyList<RecordEntry> Entries);

public sealed class LoadRecord(IPatientStore patients, IKeyring keyring, AccessPolicy policy, IUnitOfWork changes, RecordEntries entries)
{
    /// <summary>At most this many entries in one load.</summary>
    public const int MaxEntries = 100;

    /// <summary>
    /// The problem of an invalid load names the entry by its position (<see cref="PatientProblem.Args"/>[0]: the index, -1
    /// for the patient) so an edge can point at it.
    /// </summary>
    public async Task<PatientAnswer<LoadedRecord>> ExecuteAsync(Actor actor, RecordLoad load, Purpose purpose, string reason, CancellationToken ct)
    {
        if ((load.NewPatient is null) == (load.PatientKey is null))
            return Invalid(-1, "LoadPatient", "a load names one patient: a new one or an existing one");
        if (load.Entries.Count > MaxEntries) return Invalid(-1, "LoadTooLarge", $"at most {MaxEntries} entries in one load");
        NewPatient? request = null;
        if (load.NewPatient is not null)
        {
            if (load.NewPatient.Guardians.Count > 0) return Invalid(-1, "LoadGuardians", "guardians are linked at the desk, not in a load");
            var (checkedRequest, problem) = RegisterPatient.Check(load.NewPatient);
            if (problem is not null) return Invalid(-1, problem.Code, problem.Text);
            request = checkedRequest;
        }
        var bodies = new List<EntryBody>(load.Entries.Count);
        for (int i = 0; i < load.Entries.Count; i++)
        {
            if (RecordEntries.CheckNew(load.Entries[i]) is { } problem) return Invalid(i, problem.Code, problem.Text);
            bodies.Add(load.Entries[i]!);
        }

        // Decide every category the load writes, on the patient (or, for a new one, the clinic), in one audited commit.
        Patient? existing = null;
        ResourceScope scope;
        if (request is not null)
        {
            scope = ResourceScope.ForClinic(request.Clinic, "patient new");
        }
        else
        {
            existing = await patients.GetAsync(load.PatientKey!.Value, ct);
            scope = existing is null ? ResourceScope.ForPatient(load.PatientKey.Value, "") : RegisterPatient.ScopeOf(existing.Key, existing.Clinic);
        }
        var operations = bodies.Select(b => new Operation(b.Category, RecordAction.Create)).Distinct().ToList();
        if (request is not null) operations.Insert(0, new Operation(RecordCategory.Demographics, RecordAction.Create));
        if (operations.Count == 0) operations.Add(new Operation(RecordCategory.Demographics, RecordAction.Read));
        var decisions = await policy.DecideEachAsync(actor, operations, scope, purpose, changes, ct);
        if (request is null && (existing is null || decisions.Any(d => d.IsOutOfReach)))
            return PatientAnswer<LoadedRecord>.Fail(PatientOutcome.NotFound, "no such patient within your reach");
        for (int i = 0; i < decisions.Count; i++)
            if (!decisions[i].Allowed) return PatientAnswer<LoadedRecord>.Fail(PatientOutcome.Denied, $"{operations[i]} denied ({decisions[i].Rule})");
        if (existing is { Status: PatientStatus.Merged })
            return PatientAnswer<LoadedRecord>.Fail(PatientOutcome.Conflict, $"this record was merged into patient {existing.MergedInto}: load it there");
        if (existing is not null)
            for (int i = 0; i < bodies.Count; i++)
                if (await entries.CheckAppendsAsync(existing.Key, bodies[i], ct) is { } appends) return Invalid(i, appends.Code, appends.Text);
        if (request is not null && bodies.FindIndex(b => b is Notes.ClinicalNote { Appends.Length: > 0 }) is var addendum and >= 0)
            return Invalid(addendum, "AppendsUnknown", "appends: a new patient has no signed note to append to");

        var why = string.IsNullOrWhiteSpace(reason) ? "loaded" : reason.Trim();
        DataKeyId? key = request is null ? null : await keyring.CreateDataKeyAsync(ct);
        var written = new List<RecordEntry>(bodies.Count);
        long patientKey;
        string clinic;
        var committed = false;
        try
        {
            await using var change = await changes.BeginAsync(ct);
            if (request is not null)
            {
                (var outcome, patientKey) = await change.Patients.AddAsync(request, key!.Value, actor.UserId, why, ct);
                if (outcome == RegistrationOutcome.Existing)
                    return PatientAnswer<LoadedRecord>.Fail(PatientOutcome.Conflict,
                        "one of these identifiers already belongs to a registered patient: load the entries into that patient");
                clinic = request.Clinic;
                await change.AuditAsync(policy.DataEvent(actor, operations[0], RegisterPatient.ScopeOf(patientKey, clinic), purpose, "patient-registered"), ct);
            }
            else
            {
                patientKey = existing!.Key;
                clinic = existing.Clinic;
            }
            foreach (var body in bodies)
            {
                var entry = await change.Entries.AddAsync(patientKey, body, RecordEntries.Note(actor, why, "loaded"), ct);
                await change.AuditAsync(policy.DataEvent(actor, new Operation(body.Category, RecordAction.Create), RecordEntries.ScopeOf(entry.Ref, clinic), purpose,
                    "entry-recorded version 1 (load of " + bodies.Count.ToString(CultureInfo.InvariantCulture) + ")"), ct);
                written.Add(entry);
            }
            await change.CommitAsync(ct);
            committed = true;
        }
        finally
        {
            // A new patient's key that no committed record uses is erased, not left behind.
            if (!committed && key is { } unused) await keyring.DestroyAsync(unused, CancellationToken.None);
        }
        var patient = await patients.GetAsync(patientKey, ct) ?? throw new InvalidOperationException("the loaded patient vanished after its commit");
        return PatientAnswer<LoadedRecord>.Ok(new LoadedRecord(patient, request is not null, written));
    }

    private static PatientAnswer<LoadedRecord> Invalid(int index, string code, string text) =>
        PatientAnswer<LoadedRecord>.Fail(PatientOutcome.Invalid, PatientProblem.Of(code, text, index));
}
