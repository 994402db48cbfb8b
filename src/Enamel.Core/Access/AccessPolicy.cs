using Enamel.Core.Audit;
using Enamel.Core.Records;

namespace Enamel.Core.Access;

/// <summary>
/// The one policy decision point: every interface (DICOMweb, FHIR, DIMSE, UI, CLI) asks it before touching a record.
/// Deny by default; a request is allowed only when one of the actor's roles permits the operation and reaches the
/// resource (clinic membership, own record, shared record), or an active break-glass grant widens the reach of a
/// clinical role to that one patient. Every decision, allow and deny, is appended to the audit trail before it is returned
/// (an allowed <see cref="DecideDeferredAsync"/> excepted: its entry is appended by the caller, in the change it permits).
/// </summary>
public sealed class AccessPolicy(IRoleCatalog roles, IBreakGlassStore breakGlass, IAuditLog audit, TimeProvider time)
{
    public async Task<Decision> DecideAsync(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, CancellationToken ct)
    {
        var decision = await EvaluateAsync(actor, operation, resource, purpose, ct);
        await AppendAsync(actor, decision.Role, operation, resource, decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied, purpose, decision.Rule, ct);
        return decision;
    }

    /// <summary>
    /// Decides for a change that records its own audit entries in its transaction (ingest): a refusal is appended here, at
    /// once, as by <see cref="DecideAsync(Actor, Operation, ResourceScope, Purpose, CancellationToken)"/>; an allowed
    /// decision is not appended but returned as <see cref="DeferredDecision.Entry"/>, which the caller must append —
    /// inside the change it permits (<see cref="IChangeScope.AuditAsync"/>), or on its own when no change follows — before
    /// it answers. So the entry that says "allowed, and stored" commits with the store, or not at all.
    /// </summary>
    public async Task<DeferredDecision> DecideDeferredAsync(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, CancellationToken ct)
    {
        var decision = await EvaluateAsync(actor, operation, resource, purpose, ct);
        var entry = Event(actor, decision.Role, operation, resource, decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied, purpose, decision.Rule);
        if (decision.Allowed) return new DeferredDecision(decision, entry);
        await audit.AppendAsync(entry, ct);
        return new DeferredDecision(decision, null);
    }

    /// <summary>
    /// Decides several operations on one resource (a view that shows each category of a record the actor may read) as
    /// <see cref="DecideAsync(Actor, Operation, ResourceScope, Purpose, CancellationToken)"/> would one by one, allowed and
    /// denied alike recorded, but with every entry appended in one change of <paramref name="changes"/> (one commit, not one
    /// per category) before any decision is returned.
    /// </summary>
    public async Task<IReadOnlyList<Decision>> DecideEachAsync(Actor actor, IReadOnlyList<Operation> operations, ResourceScope resource, Purpose purpose,
        Records.IUnitOfWork changes, CancellationToken ct)
    {
        var decisions = new List<Decision>(operations.Count);
        var entries = new List<AuditEvent>(operations.Count);
        foreach (var operation in operations)
        {
            var decision = await EvaluateAsync(actor, operation, resource, purpose, ct);
            decisions.Add(decision);
            entries.Add(Event(actor, decision.Role, operation, resource, decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied, purpose, decision.Rule));
        }
        await using (var change = await changes.BeginAsync(ct))
        {
            foreach (var entry in entries) await change.AuditAsync(entry, ct);
            await change.CommitAsync(ct);
        }
        return decisions;
    }

    /// <summary>
    /// Decides as <see cref="DecideAsync(Actor, Operation, ResourceScope, Purpose, CancellationToken)"/> (audited the same
    /// way) and returns the decision in a form a verb accepts instead of deciding again (<see cref="DecidedOperation"/>).
    /// </summary>
    public async Task<DecidedOperation> DecideForAsync(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, CancellationToken ct) =>
        new(actor, operation, resource, purpose, await DecideAsync(actor, operation, resource, purpose, ct));

    /// <summary>
    /// The decision a verb acts on: <paramref name="decided"/> when it covers this operation on this resource (the gate's
    /// decision, already audited), otherwise a new decision, audited here.
    /// </summary>
    public async Task<Decision> DecideOrReuseAsync(DecidedOperation? decided, Actor actor, Operation operation, ResourceScope resource, Purpose purpose, CancellationToken ct) =>
        decided is not null && decided.Covers(actor, operation, resource, purpose) ? decided.Decision
            : await DecideAsync(actor, operation, resource, purpose, ct);

    /// <summary>
    /// Decides for one known item: its patient and the patient's clinic (<see cref="RecordOwner"/>, from the resolver of the
    /// item's kind); the audit entry names the item by <see cref="RecordRef.ToString"/> (e.g. "study 1.2.3").
    /// </summary>
    public Task<Decision> DecideAsync(Actor actor, Operation operation, RecordOwner item, Purpose purpose, CancellationToken ct) =>
        DecideAsync(actor, operation, ResourceScope.Of(item), purpose, ct);

    /// <summary>A data event on one known item that follows an allowed decision (see the <see cref="ResourceScope"/> overload).</summary>
    public Task RecordAsync(Actor actor, Operation operation, RecordOwner item, Purpose purpose, string detail, CancellationToken ct) =>
        RecordAsync(actor, operation, ResourceScope.Of(item), purpose, detail, ct);

    /// <summary>
    /// A data event that follows an allowed decision but could not be named by it (e.g. the patient record a store has
    /// just created): appended as a success with <paramref name="detail"/>; nothing is decided.
    /// </summary>
    public Task RecordAsync(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, string detail, CancellationToken ct) =>
        AppendAsync(actor, null, operation, resource, AuditOutcome.Success, purpose, detail, ct);

    private Task AppendAsync(Actor actor, string? role, Operation operation, ResourceScope resource, AuditOutcome outcome, Purpose purpose,
        string detail, CancellationToken ct) =>
        audit.AppendAsync(Event(actor, role, operation, resource, outcome, purpose, detail), ct);

    /// <summary>
    /// The entry <see cref="RecordAsync(Actor, Operation, ResourceScope, Purpose, string, CancellationToken)"/> would append,
    /// for a verb that appends it inside its own change (<see cref="Records.IChangeScope.AuditAsync"/>): the data change and
    /// its audit entry then commit together.
    /// </summary>
    public AuditEvent DataEvent(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, string detail) =>
        Event(actor, null, operation, resource, AuditOutcome.Success, purpose, detail);

    private AuditEvent Event(Actor actor, string? role, Operation operation, ResourceScope resource, AuditOutcome outcome, Purpose purpose, string detail) =>
        new(time.GetUtcNow(), actor.UserId, role ?? string.Join(',', actor.Roles), resource.PatientKey,
            AuditObject.Record(operation.Category, resource.Object), AuditAction.Of(operation.Action),
            outcome, PurposeCodes.Code(purpose), actor.Source) { Detail = detail };

    /// <summary>
    /// A search names no single patient: decides whether any of the actor's roles permits the operation, and returns
    /// the union of what those roles reach (staff: their clinics' patients; a patient: own record and dependants; an
    /// external recipient: the patients shared with them; with <see cref="Purpose.Emergency"/>, a clinical role also
    /// reaches the patients of the actor's active break-glass grants). Denied when no role permits the operation on
    /// patients. Audited like every decision; <paramref name="search"/> names what is searched (never PHI).
    /// </summary>
    public async Task<SearchDecision> SearchReachAsync(Actor actor, Operation operation, Purpose purpose, string search, CancellationToken ct)
    {
        var result = await EvaluateSearchAsync(actor, operation, purpose, ct);
        var decision = result.Decision;
        await audit.AppendAsync(new AuditEvent(time.GetUtcNow(), actor.UserId, decision.Role ?? string.Join(',', actor.Roles), null,
            AuditObject.Record(operation.Category, $"search {search}".TrimEnd()), AuditAction.Of(operation.Action),
            decision.Allowed ? AuditOutcome.Success : AuditOutcome.Denied, PurposeCodes.Code(purpose), actor.Source)
        { Detail = decision.Allowed ? $"{decision.Rule}: {result.Reach}" : decision.Rule }, ct);
        return result;
    }

    /// <summary>
    /// What the actor's roles permit (within an API token's scope), without deciding on any record: nothing is reached,
    /// so nothing is audited. For showing an actor only what they may open; each request is still decided above.
    /// </summary>
    public async Task<Capabilities> CapabilitiesAsync(Actor actor, CancellationToken ct)
    {
        if (actor.Disabled) return Capabilities.None;
        var grants = new HashSet<(Operation, RoleReach)>();
        foreach (var name in actor.Roles)
            if (await roles.FindAsync(name, ct) is { } role)
                foreach (var operation in role.Permissions)
                    if (actor.TokenScope is null || actor.TokenScope.Contains(operation)) grants.Add((operation, role.Reach));
        return new Capabilities(grants);
    }

    private async Task<SearchDecision> EvaluateSearchAsync(Actor actor, Operation operation, Purpose purpose, CancellationToken ct)
    {
        static SearchDecision Denied(string rule) => new(Decision.Deny(rule), PatientReach.None);
        if (actor.Disabled) return Denied("account-disabled");
        if (!Enum.IsDefined(operation.Category) || !Enum.IsDefined(operation.Action)) return Denied("unknown-operation");
        if (actor.TokenScope is { } scope && !scope.Contains(operation)) return Denied("outside-token-scope");

        string denial = "no-role-permits";
        var clinics = new HashSet<string>(StringComparer.Ordinal);
        var patients = new HashSet<long>();
        var permitting = new List<string>();
        bool clinical = false;
        foreach (var name in actor.Roles)
        {
            if (await roles.FindAsync(name, ct) is not { } role || !role.Permits(operation)) continue;
            switch (role.Reach)
            {
                case RoleReach.ClinicPatients:
                    clinics.UnionWith(actor.Clinics);
                    clinical = true;
                    break;
                case RoleReach.OwnRecord:
                    if (actor.OwnPatientKey is { } own) patients.Add(own);
                    patients.UnionWith(actor.Dependants);
                    break;
                case RoleReach.SharedRecords:
                    patients.UnionWith(actor.SharedPatients);
                    break;
                default:
                    denial = "not-a-patient-role"; // ClinicOnly reaches no patient's record
                    continue;
            }
            permitting.Add(role.Name);
        }
        if (permitting.Count == 0) return Denied(denial);
        if (clinical && purpose == Purpose.Emergency)
            foreach (var grant in await breakGlass.ListActiveAsync(actor.UserId, time.GetUtcNow(), ct))
                patients.Add(grant.PatientKey);
        return new(Decision.Allow("search-reach", string.Join(',', permitting)), new PatientReach(clinics, patients));
    }

    private async Task<Decision> EvaluateAsync(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, CancellationToken ct)
    {
        if (actor.Disabled) return Decision.Deny("account-disabled");
        if (!Enum.IsDefined(operation.Category) || !Enum.IsDefined(operation.Action)) return Decision.Deny("unknown-operation");
        if (actor.TokenScope is { } scope && !scope.Contains(operation)) return Decision.Deny("outside-token-scope");

        string denial = "no-role-permits";
        Role? clinical = null;
        foreach (var name in actor.Roles)
        {
            if (await roles.FindAsync(name, ct) is not { } role || !role.Permits(operation)) continue;
            var miss = Reach(role, actor, resource);
            if (miss is null) return Decision.Allow("role-permits", role.Name);
            denial = miss;
            if (role.Reach == RoleReach.ClinicPatients) clinical ??= role;
        }

        // Break-glass widens only the reach (another clinic's patient), never the role's permissions, and only when
        // the request says it is an emergency.
        if (clinical is not null && resource.PatientKey is { } patient && purpose == Purpose.Emergency
            && await breakGlass.FindActiveAsync(actor.UserId, patient, time.GetUtcNow(), ct) is not null)
            return Decision.Allow("break-glass", clinical.Name, breakGlass: true);
        return Decision.Deny(denial);
    }

    /// <summary>Null when the role reaches the resource; otherwise the rule that refuses it.</summary>
    private static string? Reach(Role role, Actor actor, ResourceScope resource) => role.Reach switch
    {
        RoleReach.ClinicPatients => actor.Clinics.Contains(resource.Clinic) ? null : Decision.OutsideClinic,
        RoleReach.ClinicOnly => resource.PatientKey is not null || resource.NamesRecord ? "not-a-patient-role"
            : actor.Clinics.Contains(resource.Clinic) ? null : Decision.OutsideClinic,
        RoleReach.OwnRecord => resource.PatientKey is { } p && (p == actor.OwnPatientKey || actor.Dependants.Contains(p)) ? null : Decision.NotOwnRecord,
        RoleReach.SharedRecords => resource.PatientKey is { } s && actor.SharedPatients.Contains(s) ? null : Decision.NotShared,
        _ => "unknown-reach",
    };
}
