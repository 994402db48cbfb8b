namespace Enamel.Core.Access;

/// <summary>A grant, or the rule that refused it ("account-disabled", "api-token", "second-factor-required", "reason-required", "duration-out-of-range", "no-clinical-role").</summary>
public sealed record BreakGlassResult(BreakGlassGrant? Grant, string? Refusal);
