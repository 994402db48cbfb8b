using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Core.Studies;

/// <summary>
/// Where an ingested instance goes and who decides it may: <see cref="Clinic"/> is the clinic a patient not yet
/// known is created in (an existing patient keeps its own), and <see cref="Authorize"/> is asked, once the instance's
/// header is read and before anything is written or compared, for every patient record the instance would touch:
/// the patient named by its Patient ID (existing, with that patient's clinic; or new, in <see cref="Clinic"/>), the
/// patient owning its study if the study exists, and the patient owning an already stored instance with its SOP
/// Instance UID.
/// </summary>
public sealed record IngestTarget(string Clinic)
{
    /// <summary>
    /// The access decision for one patient scope (the caller's policy decision point); not allowed refuses the instance with
    /// <see cref="StoreStatus.Refused"/> (the policy has audited the refusal). An allowed decision's
    /// <see cref="IngestDecision.Entry"/> is appended by the store in the transaction that records the instance (or on its
    /// own when nothing is recorded), before the caller answers. Every entry point sets it (STOW, C-STORE,
    /// <c>enamel import --as</c>); null means no decision at all, and the instance is refused as well: nothing is stored
    /// without a decision.
    /// </summary>
    public Func<ResourceScope, CancellationToken, Task<IngestDecision>>? Authorize { get; init; }

    /// <summary>
    /// The audit entry recording that this store created a new patient record (the decision before it could name no
    /// patient), given the new patient's scope, so the patient's own accounting shows who created their record; appended in
    /// the transaction that registers the patient and records the instance. Null: no entry.
    /// </summary>
    public Func<ResourceScope, AuditEvent?>? PatientCreated { get; init; }

    /// <summary>The account the instance is stored for (the author of a patient record the store registers, of the instance's first version).</summary>
    public string Author { get; init; } = "";

    /// <summary>
    /// The study the request named (STOW-RS to <c>/studies/{study}</c>): an instance of another study is answered
    /// <see cref="StoreStatus.StudyMismatch"/> before anything is decided, written or compared.
    /// </summary>
    public string? Study { get; init; }

    /// <summary>The reason recorded with the instance's version, naming the way it came in (<see cref="ReceivedVia"/>).</summary>
    public string Reason { get; init; } = "received";

    /// <summary>"received via STOW-RS" (C-STORE, import): the reason of a version that arrived through <paramref name="channel"/>.</summary>
    public static string ReceivedVia(string channel) => "received via " + channel;

    /// <summary>
    /// The target of every entry point: each touched patient decided by <paramref name="policy"/> for
    /// <paramref name="actor"/> (<paramref name="operation"/>, normally Imaging:Create; an allowed decision's entry deferred
    /// to the store's transaction), and a new patient's creation recorded in the audit trail under that patient; the actor
    /// is the author of the versions it stores.
    /// </summary>
    public static IngestTarget For(AccessPolicy policy, Actor actor, Operation operation, Purpose purpose, string clinic) => new(clinic)
    {
        Author = actor.UserId,
        Authorize = async (scope, ct) =>
        {
            var decided = await policy.DecideDeferredAsync(actor, operation, scope, purpose, ct);
            return new IngestDecision(decided.Decision.Allowed, decided.Entry);
        },
        PatientCreated = scope => policy.DataEvent(actor, operation, scope, purpose, NewPatientRecord),
    };

    /// <summary>The detail of the entry that records a patient created by a store.</summary>
    public const string NewPatientRecord = "new-patient-record";
}

/// <summary>
/// One ingest decision: <see cref="Allowed"/>, and the audit entry of an allowed decision the store appends with what it
/// records (<see cref="IngestTarget.Authorize"/>); null when the decider audits nothing itself (tests of the pipeline).
/// </summary>
public sealed record IngestDecision(bool Allowed, AuditEvent? Entry = null)
{
    public static IngestDecision Allow { get; } = new(true);
    public static IngestDecision Refuse { get; } = new(false);
}
