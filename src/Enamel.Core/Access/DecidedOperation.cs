namespace Enamel.Core.Access;

/// <summary>
/// An allowed decision an edge's gate has already made and audited (<see cref="AccessPolicy.DecideForAsync"/>), handed to
/// the verb that performs the operation so that one request leaves one decision entry, not two. Only the policy makes
/// one (the constructor is internal): an edge cannot forge it. A verb accepts it only for the same actor (the same
/// object), the same operation and purpose, and a scope that covers what the verb would decide on
/// (<see cref="Covers"/>); otherwise it decides itself.
/// </summary>
public sealed class DecidedOperation
{
    internal DecidedOperation(Actor actor, Operation operation, ResourceScope resource, Purpose purpose, Decision decision)
    {
        Actor = actor;
        Operation = operation;
        Resource = resource;
        Purpose = purpose;
        Decision = decision;
    }

    public Actor Actor { get; }
    public Operation Operation { get; }
    public ResourceScope Resource { get; }
    public Purpose Purpose { get; }
    public Decision Decision { get; }

    /// <summary>
    /// Whether this allowed decision stands for deciding <paramref name="operation"/> on <paramref name="resource"/>: one
    /// patient's record is covered by a decision on that patient; a clinic-wide scope (no patient) only by a clinic-wide
    /// decision for the same clinic.
    /// </summary>
    public bool Covers(Actor actor, Operation operation, ResourceScope resource, Purpose purpose) =>
        Decision.Allowed && ReferenceEquals(actor, Actor) && operation == Operation && purpose == Purpose
        && resource.Clinic == Resource.Clinic && resource.PatientKey == Resource.PatientKey;
}
