namespace Enamel.Core.Access;

/// <summary>A named set of permitted operations and the patients they reach. Built-in roles come from <see cref="RoleTable"/>.</summary>
public sealed record Role(string Name, string Description, RoleReach Reach, IReadOnlySet<Operation> Permissions, bool BuiltIn)
{
    public bool Permits(Operation operation) => Permissions.Contains(operation);
}
