using Enamel.Core.Access;

namespace Enamel.Storage.Sql;

/// <summary>The built-in roles of <see cref="RoleTable"/> plus custom roles stored in the database (which cannot shadow a built-in name).</summary>
public sealed class SqlRoleCatalog : IRoleCatalog
{
    private readonly SqlDb db;

    public SqlRoleCatalog(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = "SELECT name, description, reach, permissions FROM custom_roles";

    public async Task<Role?> FindAsync(string name, CancellationToken ct) =>
        RoleTable.BuiltIn.TryGetValue(name, out var role) ? role
        : (await db.ListAsync<Row>(Select + " WHERE name = @name", new { name }, ct)).SingleOrDefault()?.ToRole();

    public async Task<IReadOnlyList<Role>> ListAsync(CancellationToken ct) =>
        [.. RoleTable.BuiltIn.Values, .. (await db.ListAsync<Row>(Select + " ORDER BY name", null, ct)).Select(r => r.ToRole())];

    public async Task SaveCustomAsync(Role role, CancellationToken ct)
    {
        if (RoleTable.BuiltIn.ContainsKey(role.Name)) throw new ArgumentException($"'{role.Name}' is a built-in role and cannot be redefined", nameof(role));
        await db.WriteAsync("""
            INSERT INTO custom_roles (name, description, reach, permissions) VALUES (@Name, @Description, @Reach, @Permissions)
            ON CONFLICT (name) DO UPDATE SET description = @Description, reach = @Reach, permissions = @Permissions
            """, new Row
            {
                Name = role.Name, Description = role.Description, Reach = role.Reach.ToString(),
                Permissions = string.Join(',', role.Permissions.Select(p => p.ToString()).Order()),
            }, ct);
    }

    /// <summary>A custom_roles row, mapped by column name.</summary>
    private sealed class Row
    {
        public string Name { get; init; } = "";
        public string Description { get; init; } = "";
        public string Reach { get; init; } = "";
        public string Permissions { get; init; } = "";

        public Role ToRole() =>
            new(Name, Description, Enum.Parse<RoleReach>(Reach),
                new HashSet<Operation>(Permissions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Operation.Parse)), BuiltIn: false);
    }
}
