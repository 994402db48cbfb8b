namespace Enamel.Core.Access;

/// <summary>The policy's answer. <see cref="Rule"/> names why (for the audit trail and the caller's error message).</summary>
public sealed record Decision(bool Allowed, string Rule, string? Role, bool BreakGlass = false)
{
    public static Decision Deny(string rule, string? role = null) => new(false, rule, role);
    public static Decision Allow(string rule, string role, bool breakGlass = false) => new(true, rule, role, breakGlass);

    /// <summary>The rules that refuse a record only because it is beyond the actor's reach (another clinic's, another patient's).</summary>
    public const string OutsideClinic = "outside-clinic", NotOwnRecord = "not-own-record", NotShared = "not-shared";

    /// <summary>
    /// Denied only because the record is out of reach: a role of the actor permits the operation elsewhere. Edges answer
    /// such a denial exactly as they answer a record that does not exist, so nobody learns what exists beyond their reach.
    /// </summary>
    public bool IsOutOfReach => !Allowed && Rule is OutsideClinic or NotOwnRecord or NotShared;
}

/// <summary>
/// A decision whose audit entry is the caller's to append (<see cref="AccessPolicy.DecideDeferredAsync"/>): <see cref="Entry"/>
/// is set when allowed (a refusal was appended by the policy already).
/// </summary>
public sealed record DeferredDecision(Decision Decision, Audit.AuditEvent? Entry);
