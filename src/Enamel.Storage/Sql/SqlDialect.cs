using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Enamel.Storage.Sql;

/// <summary>The few places where SQLite and PostgreSQL differ; everything else is shared SQL.</summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }
    public abstract string IdentityColumn { get; }
    public abstract string StringAggregate(string expression);
    public abstract DbConnection CreateConnection();
    public abstract bool IsUniqueViolation(DbException ex);

    /// <summary>"<paramref name="column"/> is one of the integers in the JSON array bound to <paramref name="parameter"/>" (one parameter, any count).</summary>
    public abstract string InJsonIntegers(string column, string parameter);
    /// <summary>A query counting the columns named @column of table @table (1 when it exists).</summary>
    public abstract string ColumnExistsQuery { get; }
    /// <summary>A query counting tables named @table (1 when it exists).</summary>
    public abstract string TableExistsQuery { get; }
    /// <summary>Statements run on every new connection (pragmas).</summary>
    public virtual string? ConnectionSetup => null;

    /// <summary>Runs <see cref="ConnectionSetup"/> on a just-opened connection (SQLite: once per underlying handle, not again when the pool hands it out).</summary>
    public virtual async Task SetupAsync(DbConnection connection, CancellationToken ct)
    {
        if (ConnectionSetup is not { } setup) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = setup;
        await cmd.ExecuteNonQueryAsync(ct);
    }
    /// <summary>Run first in a migration's transaction so concurrent starts apply each migration once (null: the write transaction is the lock).</summary>
    public virtual string? MigrationLock => null;

    /// <summary>A transaction that holds the write lock from its first statement (SQLite: BEGIN IMMEDIATE, never a deferred upgrade that can fail busy).</summary>
    public virtual async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) => await connection.BeginTransactionAsync(ct);

    public static SqlDialect Sqlite(string path) => new SqliteDialect(path);
    public static SqlDialect Postgres(string connectionString) => new PostgresDialect(connectionString);

    private sealed class SqliteDialect(string path) : SqlDialect
    {
        private readonly string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private, // WAL: readers never block the writer; a shared cache would lock whole tables
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        public override string Name => "sqlite";
        public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";
        public override string StringAggregate(string expression) => $"group_concat(DISTINCT {expression})";
        public override DbConnection CreateConnection() => new SqliteConnection(connectionString);
        public override bool IsUniqueViolation(DbException ex) => ex is SqliteException { SqliteErrorCode: 19 };
        public override string InJsonIntegers(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";
        public override string ColumnExistsQuery => "SELECT count(*) FROM pragma_table_info(@table) WHERE name = @column";
        public override string TableExistsQuery => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table";
        public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
            Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
        // busy_timeout first, so the statements after it wait for a lock instead of failing at once;
        // WAL: readers never block the writer and the writer never blocks readers;
        // synchronous=FULL: in WAL mode NORMAL skips the fsync of the WAL at each commit, so a transaction already
        // acknowledged (an instance, its index row, its audit entry) could vanish on power loss. FULL keeps that promise;
        // group commit (SqlAuditLog) shares the flush between concurrent requests instead;
        // secure_delete: freed pages are zeroed, so a value replaced by its sealed form leaves no copy in the file.
        public override string ConnectionSetup => "PRAGMA busy_timeout=30000; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;";

        // Pragmas belong to the SQLite handle, which the pool keeps open and hands out again: run them once per handle,
        // not on every pooled open (five statements, one of them touching the database header, per store call).
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> prepared = new();

        public override async Task SetupAsync(DbConnection connection, CancellationToken ct)
        {
            var handle = ((SqliteConnection)connection).Handle;
            if (handle is not null && prepared.TryGetValue(handle, out _)) return;
            await base.SetupAsync(connection, ct);
            if (handle is not null) prepared.AddOrUpdate(handle, handle);
        }
    }

    private sealed class PostgresDialect(string connectionString) : SqlDialect
    {
        public override string Name => "postgresql";
        public override string IdentityColumn => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        public override string StringAggregate(string expression) => $"string_agg(DISTINCT {expression}, ',')";
        public override DbConnection CreateConnection() => new NpgsqlConnection(connectionString);
        public override bool IsUniqueViolation(DbException ex) => ex is PostgresException { SqlState: "23505" };
        public override string InJsonIntegers(string column, string parameter) => $"{column} IN (SELECT value::bigint FROM json_array_elements_text({parameter}::json))";
        public override string ColumnExistsQuery =>
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column";
        public override string TableExistsQuery =>
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table";
        // One key for Enamel's migrations; released with the transaction. Every node takes it before reading the version.
        public override string MigrationLock => "SELECT pg_advisory_xact_lock(7305800543461127491)";
    }
}
