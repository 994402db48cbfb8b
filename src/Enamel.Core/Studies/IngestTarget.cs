using Enamel.Core.Access;

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
    /// The access decision for one patient scope (the caller's policy decision point); false refuses the instance with
    /// <see cref="StoreStatus.Refused"/>. Every entry point sets it (STOW, C-STORE, <c>enamel import --as</c>); null
    /// means no decision at all, and the instance is refused as well: nothing is stored without a decision.
    /// </summary>
    public Func<ResourceScope, CancellationToken, Task<bool>>? Authorize { get; init; }

    /// <summary>
    /// Called once this store created a new patient record (the decision before it could name no patient), with the new
    /// patient's scope, so the patient's own accounting shows who created their record.
    /// </summary>
    public Func<ResourceScope, CancellationToken, Task>? PatientCreated { get; init; }

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
    /// <paramref name="actor"/> (<paramref name="operation"/>, normally Imaging:Create), and a new patient's creation
    /// recorded in the audit trail under that patient; the actor is the author of the versions it stores.
    /// </summary>
    public static IngestTarget For(AccessPolicy policy, Actor actor, Operation operation, Purpose purpose, string clinic) => new(clinic)
    {
        Author = actor.UserId,
        Authorize = async (scope, ct) => (await policy.DecideAsync(actor, operation, scope, purpose, ct)).Allowed,
        PatientCreated = (scope, ct) => policy.RecordAsync(actor, operation, scope, purpose, "new-patient-record", ct),
    };
}
