using System.Data.Common;
using System.Globalization;

namespace Enamel.Storage.Sql.Migrations;

/// <summary>
/// Brings a database to <see cref="Migrations.Latest"/> at start. Each pending migration runs in its own transaction
/// together with its <c>schema_version</c> row (version, name, applied), under a lock that concurrent starts share:
/// <c>BEGIN IMMEDIATE</c> on SQLite (one writer), a transaction-scoped advisory lock on PostgreSQL (two nodes on one
/// database); the version is read again under the lock, so a migration another process applied meanwhile is skipped.
/// A database written before numbered migrations (tables, no <c>schema_version</c>) is adopted by the idempotent
/// baseline; a database newer than this code is refused with <see cref="SchemaTooNewException"/>.
/// </summary>
public sealed class MigrationRunner(SqlDialect dialect, IReadOnlyList<Migration>? migrations = null)
{
    private readonly SqlDb db = new(dialect);
    private readonly IReadOnlyList<Migration> migrations = Validate(migrations ?? Migrations.All);

    /// <summary>Applies what is pending; returns the migrations applied by this call (none when up to date or another process did them).</summary>
    public async Task<IReadOnlyList<Migration>> RunAsync(MigrationSettings settings, CancellationToken ct, TimeProvider? time = null)
    {
        var applied = new List<Migration>();
        await using var c = await db.OpenAsync(ct);
        while (true)
        {
            await using var tx = await dialect.BeginWriteAsync(c, ct);
            if (dialect.MigrationLock is { } lockSql) await SqlDb.ExecuteAsync(c, tx, lockSql, ct);
            await SqlDb.ExecuteAsync(c, tx, SchemaVersionTable, ct);
            int current = await CurrentVersionAsync(c, tx, ct);
            if (current > migrations[^1].Version)
                throw new SchemaTooNewException(current, migrations[^1].Version);
            var next = migrations.FirstOrDefault(m => m.Version > current);
            if (next is null)
            {
                await tx.CommitAsync(ct);
                return applied;
            }
            try
            {
                await SqlDb.ExecuteAsync(c, tx, next.Sql(dialect), ct);
                await next.AfterSqlAsync(new MigrationContext(c, tx, dialect, settings), ct);
                await SqlDb.ExecuteAsync(c, tx, "INSERT INTO schema_version (version, name, applied) VALUES (@v, @name, @applied)", ct,
                    ("@v", (long)next.Version), ("@name", next.Name), ("@applied", SqlDb.Time((time ?? TimeProvider.System).GetUtcNow())));
                await tx.CommitAsync(ct);
            }
            catch (DbException ex)
            {
                throw new InvalidOperationException($"database migration {next.Version} ({next.Name}) failed and was rolled back: {ex.Message}", ex);
            }
            applied.Add(next);
        }
    }

    /// <summary>The recorded schema version (0: none recorded yet).</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var exists = SqlDb.Command(c, null, dialect.TableExistsQuery, ("@table", "schema_version"));
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0) return 0;
        return await CurrentVersionAsync(c, null, ct);
    }

    private static async Task<int> CurrentVersionAsync(DbConnection c, DbTransaction? tx, CancellationToken ct)
    {
        await using var cmd = SqlDb.Command(c, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private const string SchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied TEXT NOT NULL)
        """;

    private static IReadOnlyList<Migration> Validate(IReadOnlyList<Migration> list)
    {
        if (list.Count == 0) throw new ArgumentException("no migrations", nameof(list));
        for (int i = 0; i < list.Count; i++)
            if (list[i].Version != i + 1)
                throw new ArgumentException($"migration {list[i].Name} has version {list[i].Version}; the series must be 1, 2, 3 … in order", nameof(list));
        return list;
    }
}

/// <summary>The database was migrated by a newer Enamel: this code does not know its schema and must not write to it.</summary>
public sealed class SchemaTooNewException(int databaseVersion, int codeVersion) : InvalidOperationException(
    $"the database schema is at version {databaseVersion}, newer than this Enamel understands (up to {codeVersion}): run the newer Enamel, or restore a backup made for this version")
{
    public int DatabaseVersion { get; } = databaseVersion;
    public int CodeVersion { get; } = codeVersion;
}
