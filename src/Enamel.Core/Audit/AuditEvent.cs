namespace Enamel.Core.Audit;

/// <summary>
/// One audited event: who (actor and the role they acted in), what (object and action), whose record (patient key),
/// outcome, why (purpose of use code), from where (IP address or calling AE title) and when. Never holds PHI such as
/// names or passwords: patients are referred to by key, objects by UID or internal id. <see cref="Object"/> and
/// <see cref="Action"/> are typed; their stored (hashed) text is <see cref="AuditObject.Text"/> and <see cref="AuditAction.Text"/>.
/// </summary>
public sealed record AuditEvent(
    DateTimeOffset Time,
    string ActorId,
    string ActorRole,
    long? PatientKey,
    AuditObject Object,
    AuditAction Action,
    AuditOutcome Outcome,
    string Purpose,
    string Source)
{
    /// <summary>Why, in rule words: "role-permits", "outside-clinic", "break-glass", "bad-password".</summary>
    public string Detail { get; init; } = "";
}
