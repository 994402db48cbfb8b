namespace Enamel.Core.Access;

/// <summary>The policy's answer. <see cref="Rule"/> names why (for the audit trail and the caller's error message).</summary>
public sealed record Decision(bool Allowed, string Rule, string? Role, bool BreakGlass = false)
{
    public static Decision Deny(string rule, string? role = null) => new(false, rule, role);
    public static Decision Allow(string rule, string role, bool breakGlass = false) => new(true, rule, role, breakGlass);
}
