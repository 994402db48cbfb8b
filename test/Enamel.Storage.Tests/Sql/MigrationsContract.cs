using System.Data.Common;
using System.Globalization;
using Enamel.Storage.Sql;
using Enamel.Storage.Sql.Migrations;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The numbered migrations and their runner, against SQLite and a real PostgreSQL.</summary>
public abstract class MigrationsContract : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly MigrationSettings Settings = new("main");
    protected readonly string Root = Path.Combine(Path.GetTempPath(), "enamel-migration-tests", Guid.NewGuid().ToString("N"));

    protected MigrationsContract() => Directory.CreateDirectory(Root);

    protected abstract SqlDialect CreateDialect();

    [Fact]
    public void Registry_IsNumberedOneToLatestWithoutGaps()
    {
        Assert.Equal(Enumerable.Range(1, Migrations.All.Count), Migrations.All.Select(m => m.Version));
        Assert.Equal(Migrations.All.Count, Migrations.Latest);
        Assert.All(Migrations.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Name)));
        Assert.Throws<ArgumentException>(() => new MigrationRunner(CreateDialect(), [new M0001_Baseline(), new Numbered(3)]));
    }

    [Fact]
    public async Task Run_FreshDatabase_AppliesEveryMigrationOnceAndRecordsIt()
    {
        var dialect = CreateDialect();
        var runner = new MigrationRunner(dialect);
        Assert.Equal(0, await runner.CurrentVersionAsync(Ct));

        var applied = await runner.RunAsync(Settings, Ct);

        Assert.Equal(Migrations.All.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(Migrations.Latest, await runner.CurrentVersionAsync(Ct));
        var rows = await QueryAsync(dialect, "SELECT version, name, applied FROM schema_version ORDER BY version",
            r => (Version: r.GetInt64(0), Name: r.GetString(1), Applied: r.GetString(2)));
        Assert.Equal(Migrations.All.Select(m => ((long)m.Version, m.Name)), rows.Select(r => (r.Version, r.Name)));
        Assert.All(rows, r => Assert.True(DateTimeOffset.Parse(r.Applied, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Empty(await runner.RunAsync(Settings, Ct)); // a second start finds nothing to do
    }

    [Fact]
    public async Task Run_DatabaseOfTheReleaseBeforeMigrations_IsAdoptedAsBaselineWithItsRows()
    {
        var dialect = CreateDialect();
        // What that release ran at every start: the baseline's statements, no schema_version; then some rows.
        await ExecuteAsync(dialect, new M0001_Baseline().Sql(dialect) + ";\nCREATE INDEX IF NOT EXISTS ix_patients_clinic ON patients (clinic);");
        await ExecuteAsync(dialect, """
            INSERT INTO users (id, user_name, display_name, password_hash, must_change_password, disabled, totp_secret, totp_last_step, failed_logins, locked_until, patient_key, created)
            VALUES ('u1', 'old-user', 'Old User', 'x', 0, 0, NULL, 0, 0, NULL, NULL, '2025-01-01T00:00:00.0000000+00:00');
            UPDATE audit_head SET seq = 5 WHERE id = 1;
            """);

        var applied = await new MigrationRunner(dialect).RunAsync(Settings, Ct);

        Assert.Equal(Migrations.All.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(["old-user"], await QueryAsync(dialect, "SELECT user_name FROM users", r => r.GetString(0)));
        Assert.Equal([5L], await QueryAsync(dialect, "SELECT seq FROM audit_head", r => r.GetInt64(0)));
        Assert.Equal("Baseline", (await QueryAsync(dialect, "SELECT name FROM schema_version WHERE version = 1", r => r.GetString(0))).Single());
    }

    [Fact]
    public async Task Run_DatabaseNewerThanTheCode_RefusesAndChangesNothing()
    {
        var dialect = CreateDialect();
        await new MigrationRunner(dialect).RunAsync(Settings, Ct);
        int newer = Migrations.Latest + 1;
        await ExecuteAsync(dialect, $"INSERT INTO schema_version (version, name, applied) VALUES ({newer}, 'FromTheFuture', '2030-01-01T00:00:00.0000000+00:00')");

        var ex = await Assert.ThrowsAsync<SchemaTooNewException>(() => new MigrationRunner(dialect).RunAsync(Settings, Ct));

        Assert.Equal(newer, ex.DatabaseVersion);
        Assert.Equal(Migrations.Latest, ex.CodeVersion);
        Assert.Contains("newer than this Enamel", ex.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await new MigrationRunner(dialect).CurrentVersionAsync(Ct));
    }

    [Fact]
    public async Task Run_FailingMigration_RollsBackItsStatementsAndVersionRow()
    {
        var dialect = CreateDialect();
        var runner = new MigrationRunner(dialect, [new M0001_Baseline(), new Failing()]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(Settings, Ct));

        Assert.Contains("migration 2 (Failing)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, await runner.CurrentVersionAsync(Ct));
        Assert.Equal([0L], await QueryAsync(dialect, dialect.TableExistsQuery.Replace("@table", "'half_done'", StringComparison.Ordinal), r => r.GetInt64(0)));
    }

    [Fact]
    public async Task Run_ConcurrentStarts_ApplyEachMigrationExactlyOnce()
    {
        var dialect = CreateDialect();
        var counting = new Counting();
        var list = new Migration[] { new M0001_Baseline(), counting };

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new MigrationRunner(dialect, list).RunAsync(Settings, Ct))));

        Assert.Equal(2, results.Sum(r => r.Count));
        Assert.Equal(1, results.Count(r => r.Any(m => m.Version == 2)));
        Assert.Equal([1L], await QueryAsync(dialect, "SELECT count(*) FROM counted", r => r.GetInt64(0)));
        Assert.Equal([1L, 2L], await QueryAsync(dialect, "SELECT version FROM schema_version ORDER BY version", r => r.GetInt64(0)));
    }

    private sealed class Numbered(int version) : Migration
    {
        public override int Version => version;
        public override string Name => "Numbered";
        public override string Sql(SqlDialect dialect) => "SELECT 1";
    }

    private sealed class Failing : Migration
    {
        public override int Version => 2;
        public override string Name => "Failing";
        public override string Sql(SqlDialect dialect) => "CREATE TABLE half_done (id BIGINT); INSERT INTO no_such_table (id) VALUES (1)";
    }

    /// <summary>Not idempotent on purpose: a second application would insert a second row (or fail on the table).</summary>
    private sealed class Counting : Migration
    {
        public override int Version => 2;
        public override string Name => "Counting";
        public override string Sql(SqlDialect dialect) => "CREATE TABLE counted (id BIGINT PRIMARY KEY); INSERT INTO counted (id) VALUES (1)";
    }

    internal static async Task ExecuteAsync(SqlDialect dialect, string sql)
    {
        await using var c = dialect.CreateConnection();
        await c.OpenAsync(Ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    internal static async Task<List<T>> QueryAsync<T>(SqlDialect dialect, string sql, Func<DbDataReader, T> read)
    {
        await using var c = dialect.CreateConnection();
        await c.OpenAsync(Ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        var list = new List<T>();
        while (await r.ReadAsync(Ct)) list.Add(read(r));
        return list;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteMigrationsTests : MigrationsContract
{
    protected override SqlDialect CreateDialect() => SqlDialect.Sqlite(Path.Combine(Root, "index.db"));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationsTests(PostgresServer server) : MigrationsContract
{
    private string? database;

    // One database per test (the contract's tests each start from an empty one).
    protected override SqlDialect CreateDialect() => SqlDialect.Postgres(database ??= server.CreateDatabase());
}
