using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Keys;
using Enamel.Core.Records;

namespace Enamel.Core.Patients;

/// <summary>
/// RegisterPatient: the one way a patient record is created — at the desk (web, API, CLI) and by ingest when an image
/// names a Patient ID nobody has registered. Decided as Demographics:Create in the clinic, validated, stored sealed under
/// a new data key, audited under the new patient.
/// </summary>
public sealed class RegisterPatient(IPatientStore store, IKeyring keyring, IUserStore users, AccessPolicy policy, IUnitOfWork changes)
{
    private static readonly Operation Create = new(RecordCategory.Demographics, RecordAction.Create);

    public async Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, NewPatient request, Purpose purpose, string reason, CancellationToken ct)
    {
        var (checkedRequest, problem) = Check(request);
        if (problem is not null) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, problem);
        var clinic = checkedRequest!.Clinic;
        var guardians = new List<User>();
        foreach (var g in request.Guardians.Distinct(StringComparer.Ordinal))
        {
            var user = await users.FindByIdAsync(g, ct) ?? await users.FindByNameAsync(g, ct);
            if (user is null || !user.Roles.Contains(RoleTable.Patient))
                return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, PatientProblem.Of("Guardian", $"guardian '{g}': no patient or guardian account with that name", g));
            guardians.Add(user);
        }

        var decision = await policy.DecideAsync(actor, Create, ResourceScope.ForClinic(clinic, "patient new"), purpose, ct);
        if (!decision.Allowed) return PatientAnswer<Patient>.Fail(PatientOutcome.Denied, $"{Create} denied ({decision.Rule})");

        var key = await keyring.CreateDataKeyAsync(ct);
        long patientKey;
        // The record, its guardians' links and its audit entry commit together, or none of them.
        await using (var change = await changes.BeginAsync(ct))
        {
            (var outcome, patientKey) = await change.Patients.AddAsync(checkedRequest, key, actor.UserId,
                string.IsNullOrWhiteSpace(reason) ? "registered" : reason.Trim(), ct);
            if (outcome == RegistrationOutcome.Existing)
            {
                await keyring.DestroyAsync(key, ct);
                return PatientAnswer<Patient>.Fail(PatientOutcome.Conflict, "one of these identifiers already belongs to a registered patient: search for them, or correct the identifier");
            }
            foreach (var user in guardians)
                await change.Users.UpdateAsync(user with { Dependants = new HashSet<long>(user.Dependants) { patientKey } }, ct);
            await change.AuditAsync(policy.DataEvent(actor, Create, ScopeOf(patientKey, clinic), purpose, "patient-registered"), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<Patient>.Ok((await store.GetAsync(patientKey, ct))!);
    }

    /// <summary>
    /// A registration as it will be stored (clinic trimmed, identifiers checked, the Patient ID defaulting to the chart
    /// number), or the problem that refuses it. Guardians are checked by the caller.
    /// </summary>
    internal static (NewPatient? Request, PatientProblem? Problem) Check(NewPatient request)
    {
        var clinic = (request.Clinic ?? "").Trim();
        if (PatientRules.CheckClinic(clinic) is { } clinicError) return (null, clinicError);
        if (PatientRules.Check(request.Demographics) is { } error) return (null, error);
        var (identifiers, idError) = PatientRules.Check(request.Identifiers, clinic);
        if (idError is not null) return (null, idError);
        if (!identifiers.Any(i => i.Type is IdentifierType.ChartNumber or IdentifierType.DicomPatientId))
            return (null, PatientProblem.Of("IdentifierRequired", "a chart number or a Patient ID is required"));
        // Images arrive with the Patient ID the modality was given: by default that is the chart number.
        if (!identifiers.Any(i => i.Type == IdentifierType.DicomPatientId))
            identifiers.Add(new PatientIdentifier(IdentifierType.DicomPatientId, "", identifiers.First(i => i.Type == IdentifierType.ChartNumber).Value));
        return (request with { Clinic = clinic, Identifiers = identifiers }, null);
    }

    /// <summary>
    /// Registration by ingest: the image's Patient ID (and issuer), name, birth date and sex become a new record under
    /// <paramref name="dataKey"/> (the key the image was encrypted with). The caller has decided Imaging:Create for a new
    /// patient in <paramref name="clinic"/>; a value the desk would refuse (an impossible birth date) is left out, never
    /// a reason to refuse an image. <see cref="RegistrationOutcome.Existing"/> when the Patient ID was registered meanwhile.
    /// </summary>
    public static Task<(RegistrationOutcome Outcome, long Key)> FromImageAsync(IPatientStore store, string patientId, string issuer, string patientName, string birthDate, string sex,
        string clinic, DataKeyId dataKey, string authorId, CancellationToken ct)
    {
        var name = PersonNames.Parse(patientName);
        var demographics = new Demographics
        {
            Name = name,
            BirthDate = PatientRules.IsDate(birthDate) ? birthDate : "",
            Sex = sex is "M" or "F" or "O" ? sex : "",
        };
        var patient = new NewPatient(clinic, demographics, [new PatientIdentifier(IdentifierType.DicomPatientId, issuer, patientId)]);
        return store.AddAsync(patient, dataKey, authorId, "registered from a received image", ct);
    }

    internal static ResourceScope ScopeOf(long key, string clinic) =>
        ResourceScope.ForPatient(key, clinic, "patient " + key.ToString(CultureInfo.InvariantCulture));
}

/// <summary>FindPatients: the search box (name prefix, chart number or other identifier, phone) and one record with its history.</summary>
public sealed class FindPatients(IPatientStore store, AccessPolicy policy)
{
    private static readonly Operation Read = new(RecordCategory.Demographics, RecordAction.Read);

    public const int MaxResults = 200;

    public async Task<PatientAnswer<IReadOnlyList<Patient>>> SearchAsync(Actor actor, string text, Purpose purpose, int limit, CancellationToken ct)
    {
        text = (text ?? "").Trim();
        if (text.Length == 0) return PatientAnswer<IReadOnlyList<Patient>>.Fail(PatientOutcome.Invalid, PatientProblem.Of("SearchEmpty", "type a name, chart number, identifier or phone number"));
        if (text.Length > 64) return PatientAnswer<IReadOnlyList<Patient>>.Fail(PatientOutcome.Invalid, PatientProblem.Of("SearchTooLong", "at most 64 characters"));
        var search = await policy.SearchReachAsync(actor, Read, purpose, "patients", ct);
        if (!search.Allowed) return PatientAnswer<IReadOnlyList<Patient>>.Fail(PatientOutcome.Denied, $"{Read} denied ({search.Decision.Rule})");
        return PatientAnswer<IReadOnlyList<Patient>>.Ok(await store.SearchAsync(text, search.Reach, Math.Clamp(limit, 1, MaxResults), ct));
    }

    public Task<PatientAnswer<Patient>> GetAsync(Actor actor, long key, Purpose purpose, CancellationToken ct) => GetAsync(actor, key, purpose, null, ct);

    /// <param name="decided">The gate's decision on this patient (<see cref="DecidedOperation"/>): acted on instead of deciding again.</param>
    public async Task<PatientAnswer<Patient>> GetAsync(Actor actor, long key, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var (answer, patient) = await DecideAsync(actor, key, Read, purpose, decided, ct);
        return answer ?? PatientAnswer<Patient>.Ok(patient!);
    }

    public Task<PatientAnswer<IReadOnlyList<DemographicsVersion>>> HistoryAsync(Actor actor, long key, Purpose purpose, CancellationToken ct) =>
        HistoryAsync(actor, key, purpose, null, ct);

    public async Task<PatientAnswer<IReadOnlyList<DemographicsVersion>>> HistoryAsync(Actor actor, long key, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var (answer, _) = await DecideAsync(actor, key, Read, purpose, decided, ct);
        if (answer is not null) return PatientAnswer<IReadOnlyList<DemographicsVersion>>.Fail(answer.Outcome, answer.Message);
        return PatientAnswer<IReadOnlyList<DemographicsVersion>>.Ok(await store.HistoryAsync(key, ct));
    }

    /// <summary>Null and the patient when allowed; otherwise the refusal (unknown and out-of-reach alike: not found).</summary>
    internal static async Task<(PatientAnswer<Patient>? Refusal, Patient? Patient)> DecideFor(IPatientStore store, AccessPolicy policy, Actor actor, long key,
        Operation operation, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var patient = await store.GetAsync(key, ct);
        var decision = await policy.DecideOrReuseAsync(decided, actor, operation,
            patient is null ? ResourceScope.ForPatient(key, "") : RegisterPatient.ScopeOf(key, patient.Clinic), purpose, ct);
        if (patient is null || decision.IsOutOfReach) return (PatientAnswer<Patient>.Fail(PatientOutcome.NotFound, "no such patient within your reach"), null);
        if (!decision.Allowed) return (PatientAnswer<Patient>.Fail(PatientOutcome.Denied, $"{operation} denied ({decision.Rule})"), null);
        return (null, patient);
    }

    private Task<(PatientAnswer<Patient>? Refusal, Patient? Patient)> DecideAsync(Actor actor, long key, Operation operation, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct) =>
        DecideFor(store, policy, actor, key, operation, purpose, decided, ct);
}

/// <summary>AmendDemographics: a new version of the demographic record (the old one is kept and readable).</summary>
public sealed class AmendDemographics(IPatientStore store, AccessPolicy policy, IUnitOfWork changes)
{
    private static readonly Operation Amend = new(RecordCategory.Demographics, RecordAction.Amend);

    public Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long key, int expectedVersion, Demographics demographics, string reason,
        Purpose purpose, CancellationToken ct) => ExecuteAsync(actor, key, expectedVersion, demographics, reason, purpose, null, ct);

    /// <param name="decided">The gate's decision on this patient (<see cref="DecidedOperation"/>): acted on instead of deciding again.</param>
    public async Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long key, int expectedVersion, Demographics demographics, string reason,
        Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        if (PatientRules.Check(demographics) is { } error) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, error);
        if (string.IsNullOrWhiteSpace(reason)) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, PatientProblem.Of("AmendReason", "a reason for the amendment is required"));
        var (refusal, patient) = await FindPatients.DecideFor(store, policy, actor, key, Amend, purpose, decided, ct);
        if (refusal is not null) return refusal;
        if (patient!.Status == PatientStatus.Merged) return PatientAnswer<Patient>.Fail(PatientOutcome.Conflict, $"this record was merged into patient {patient.MergedInto}: amend that one");
        await using (var change = await changes.BeginAsync(ct))
        {
            if (!await change.Patients.AmendAsync(key, expectedVersion, demographics, actor.UserId, reason.Trim(), ct))
                return PatientAnswer<Patient>.Fail(PatientOutcome.Conflict, "the record changed since you opened it: reload and amend again");
            await change.AuditAsync(policy.DataEvent(actor, Amend, RegisterPatient.ScopeOf(key, patient.Clinic), purpose, $"demographics-version {expectedVersion + 1}"), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<Patient>.Ok((await store.GetAsync(key, ct))!);
    }
}

/// <summary>
/// MergePatients: two records of one person become one. The merged record stays (read-only, status Merged); its
/// identifiers become aliases of the survivor so C-FIND and QIDO by either Patient ID find the patient; its studies
/// and guardians move. Decided as Demographics:Amend on both, audited under both.
/// </summary>
public sealed class MergePatients(IPatientStore store, AccessPolicy policy, IUnitOfWork changes)
{
    private static readonly Operation Amend = new(RecordCategory.Demographics, RecordAction.Amend);

    public Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long survivorKey, long mergedKey, string reason, Purpose purpose, CancellationToken ct) =>
        ExecuteAsync(actor, survivorKey, mergedKey, reason, purpose, null, ct);

    /// <param name="decided">The gate's decision on the survivor (<see cref="DecidedOperation"/>); the merged record is decided here.</param>
    public async Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long survivorKey, long mergedKey, string reason, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        if (survivorKey == mergedKey) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, "a record cannot be merged into itself");
        if (string.IsNullOrWhiteSpace(reason)) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, "a reason for the merge is required");
        var (r1, survivor) = await FindPatients.DecideFor(store, policy, actor, survivorKey, Amend, purpose, decided, ct);
        if (r1 is not null) return r1;
        var (r2, merged) = await FindPatients.DecideFor(store, policy, actor, mergedKey, Amend, purpose, null, ct);
        if (r2 is not null) return r2;
        if (survivor!.Status == PatientStatus.Merged || merged!.Status == PatientStatus.Merged)
            return PatientAnswer<Patient>.Fail(PatientOutcome.Conflict, "one of the records is already merged into another");
        var detail = $"merged patient {mergedKey} into {survivorKey}";
        await using (var change = await changes.BeginAsync(ct))
        {
            await change.Patients.MergeAsync(survivorKey, mergedKey, actor.UserId, reason.Trim(), ct);
            await change.AuditAsync(policy.DataEvent(actor, Amend, RegisterPatient.ScopeOf(survivorKey, survivor.Clinic), purpose, detail), ct);
            await change.AuditAsync(policy.DataEvent(actor, Amend, RegisterPatient.ScopeOf(mergedKey, merged.Clinic), purpose, detail), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<Patient>.Ok((await store.GetAsync(survivorKey, ct))!);
    }
}

/// <summary>MovePatient: a patient, with every study, changes clinic within the group (Demographics:Amend where they are and where they go).</summary>
public sealed class MovePatient(IPatientStore store, AccessPolicy policy, IUnitOfWork changes)
{
    private static readonly Operation Amend = new(RecordCategory.Demographics, RecordAction.Amend);

    public Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long key, string clinic, Purpose purpose, CancellationToken ct) =>
        ExecuteAsync(actor, key, clinic, purpose, null, ct);

    /// <param name="decided">The gate's decision on the patient where they are (<see cref="DecidedOperation"/>); the destination is decided here.</param>
    public async Task<PatientAnswer<Patient>> ExecuteAsync(Actor actor, long key, string clinic, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        clinic = (clinic ?? "").Trim();
        if (PatientRules.CheckClinic(clinic) is { } error) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, error);
        var destination = await policy.DecideAsync(actor, Amend, ResourceScope.ForClinic(clinic, "Demographics clinic"), purpose, ct);
        if (!destination.Allowed) return PatientAnswer<Patient>.Fail(PatientOutcome.Denied, $"may not move patients into clinic '{clinic}' ({destination.Rule})");
        var (refusal, patient) = await FindPatients.DecideFor(store, policy, actor, key, Amend, purpose, decided, ct);
        if (refusal is not null) return refusal;
        if (patient!.Clinic == clinic) return PatientAnswer<Patient>.Fail(PatientOutcome.Invalid, $"the patient already belongs to clinic '{clinic}'");
        if (patient.Status == PatientStatus.Merged) return PatientAnswer<Patient>.Fail(PatientOutcome.Conflict, $"this record was merged into patient {patient.MergedInto}: move that one");
        await using (var change = await changes.BeginAsync(ct))
        {
            await change.Patients.MoveAsync(key, clinic, ct);
            await change.AuditAsync(policy.DataEvent(actor, Amend, RegisterPatient.ScopeOf(key, patient.Clinic), purpose, $"clinic {patient.Clinic} -> {clinic}"), ct);
            await change.CommitAsync(ct);
        }
        return PatientAnswer<Patient>.Ok((await store.GetAsync(key, ct))!);
    }
}
