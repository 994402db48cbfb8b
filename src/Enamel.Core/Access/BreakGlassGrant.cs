namespace Enamel.Core.Access;

/// <summary>
/// Emergency access to one patient's record outside the user's clinics, for a limited time, with a stated reason.
/// Every grant is listed to the privacy officer until reviewed.
/// </summary>
public sealed record BreakGlassGrant(string Id, string UserId, long PatientKey, string Reason, DateTimeOffset Granted, DateTimeOffset Expires)
{
    public string? ReviewedBy { get; init; }
    public bool IsActive(DateTimeOffset now) => Granted <= now && now < Expires;
}
