using Enamel.Storage.Sql;
using Enamel.Storage.Sql.Migrations;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The migrations give a fresh database the same schema as the upgraded database of test/Fixtures/datafolder-v1.</summary>
public sealed class SchemaUpgradeTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-schema-tests", Guid.NewGuid().ToString("N"));

    public SchemaUpgradeTests() => Directory.CreateDirectory(root);

    [Fact]
    public async Task Migrations_FreshDatabaseAndUpgradedFixture_HaveTheSameSchema()
    {
        var upgradedPath = Path.Combine(root, "upgraded.db");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "datafolder-v1", "index.db"), upgradedPath);
        var upgraded = SqlDialect.Sqlite(upgradedPath);
        var fresh = SqlDialect.Sqlite(Path.Combine(root, "fresh.db"));
        Assert.Equal(0, await new MigrationRunner(upgraded).CurrentVersionAsync(Ct));

        await new MigrationRunner(upgraded).RunAsync(new("main"), Ct);
        await new MigrationRunner(fresh).RunAsync(new("main"), Ct);

        var expected = await SchemaAsync(fresh);
        var actual = await SchemaAsync(upgraded);
        Assert.Contains(expected, line => line.StartsWith("table schema_version", StringComparison.Ordinal));
        Assert.Contains(expected, line => line.StartsWith("index ix_patients_clinic", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
        Assert.Equal(Migrations.Latest, await new MigrationRunner(upgraded).CurrentVersionAsync(Ct));
    }

    /// <summary>Every table's columns (name, type, not null, default, key position) and every index's columns, one line each, sorted.</summary>
    private static async Task<List<string>> SchemaAsync(SqlDialect dialect)
    {
        var tables = await MigrationsContract.QueryAsync(dialect,
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name",
            r => (Type: r.GetString(0), Name: r.GetString(1), Table: r.GetString(2)));
        var lines = new List<string>();
        foreach (var (type, name, table) in tables)
        {
            if (type == "table")
                lines.AddRange(await MigrationsContract.QueryAsync(dialect, $"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{name}') ORDER BY cid",
                    r => $"table {name}: {r.GetString(0)} {r.GetString(1)} notnull={r.GetInt64(2)} default={(r.IsDBNull(3) ? "-" : r.GetString(3))} pk={r.GetInt64(4)}"));
            else
                lines.Add($"index {name} on {table}: " + string.Join(',',
                    await MigrationsContract.QueryAsync(dialect, $"SELECT name FROM pragma_index_info('{name}') ORDER BY seqno", r => r.GetString(0))));
        }
        lines.AddRange(await MigrationsContract.QueryAsync(dialect,
            "SELECT m.name, u.\"unique\", u.origin FROM sqlite_master m, pragma_index_list(m.name) u WHERE m.type = 'table' ORDER BY m.name, u.name",
            r => $"unique/pk {r.GetString(0)}: unique={r.GetInt64(1)} origin={r.GetString(2)}"));
        return lines;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}
