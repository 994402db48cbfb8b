namespace Enamel.Core.Audit;

public enum AuditOutcome
{
    Success,
    /// <summary>The policy refused the request.</summary>
    Denied,
    /// <summary>Allowed, but the operation failed (or an authentication attempt failed).</summary>
    Failure,
}
