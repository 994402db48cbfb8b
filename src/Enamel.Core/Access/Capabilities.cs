namespace Enamel.Core.Access;

/// <summary>
/// What an actor's roles permit, each operation with the reach of the roles that permit it, asked of
/// <see cref="AccessPolicy.CapabilitiesAsync"/>. It decides nothing about any record: edges use it only to show what an
/// actor may open (the web navigation and home page); opening it is still decided per request.
/// </summary>
public sealed class Capabilities(IReadOnlySet<(Operation Operation, RoleReach Reach)> grants)
{
    public static Capabilities None { get; } = new(new HashSet<(Operation, RoleReach)>());

    /// <summary>True when a role of the actor permits <paramref name="operation"/> with one of <paramref name="reaches"/> (any reach when none is named).</summary>
    public bool Permits(Operation operation, params RoleReach[] reaches) =>
        reaches.Length == 0 ? grants.Any(g => g.Operation == operation) : reaches.Any(r => grants.Contains((operation, r)));
}
