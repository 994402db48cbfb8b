namespace Enamel.Core.Access;

/// <summary>The built-in roles plus the clinic's custom roles.</summary>
public interface IRoleCatalog
{
    Task<Role?> FindAsync(string name, CancellationToken ct);
    Task<IReadOnlyList<Role>> ListAsync(CancellationToken ct);
}
