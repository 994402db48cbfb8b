using Enamel.Core.Access;

namespace Enamel.Storage.Sql;

/// <summary>The built-in roles of <see cref="RoleTable"/> plus custom roles stored in the database (which cannot shadow a built-in name).</summary>
public sealed class SqlRoleCatalog : IRoleCatalog
{
    private readonly SqlDb db;

    public SqlRoleCatalog(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    public async Task<Role?> FindAsync(string name, CancellationToken ct) =>
        RoleTable.BuiltIn.TryGetValue(name, out var role) ? role
        : (await db.QueryAsync("SELECT name, description, reach, permissions FROM custom_roles WHERE name = @n", Read, ct, ("@n", name))).SingleOrDefault();

    public async Task<IReadOnlyList<Role>> ListAsync(CancellationToken ct) =>
        [.. RoleTable.BuiltIn.Values, .. await db.QueryAsync("SELECT name, description, reach, permissions FROM custom_roles ORDER BY name", Read, ct)];

    public async Task SaveCustomAsync(Role role, CancellationToken ct)
    {
        if (RoleTable.BuiltIn.ContainsKey(role.Name)) throw new ArgumentException($"'{role.Name}' is a built-in role and cannot be redefined", nameof(role));
        var permissions = string.Join(',', role.Permissions.Select(p => p.ToString()).Order());
        await db.ExecuteAsync("""
            INSERT INTO custom_roles (name, description, reach, permissions) VALUES (@n, @d, @r, @p)
            ON CONFLICT (name) DO UPDATE SET description = @d, reach = @r, permissions = @p
            """, ct, ("@n", role.Name), ("@d", role.Description), ("@r", role.Reach.ToString()), ("@p", permissions));
    }

    private static Role Read(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), Enum.Parse<RoleReach>(r.GetString(2)),
            new HashSet<Operation>(r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Operation.Parse)), BuiltIn: false);
}
