namespace Enamel.Core.Access;

/// <summary>The built-in roles plus the clinic's custom roles.</summary>
public interface IRoleCatalog
{
    Task<Role?> FindAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<Role>> ListAsync(CancellationToken ct);

    /// <summary>Saves a custom role (replacing one of the same name); <see cref="DefineRole"/> is the verb that decides and audits it.</summary>
    Task SaveCustomAsync(Role role, CancellationToken ct);
}
