using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Enamel.Storage.Sql;

/// <summary>
/// Connections and parameterized commands for every SQL store (one place for the ADO.NET plumbing). Outside a change
/// each call opens its own connection (pooled); inside a <see cref="SqlChange"/> every call runs on the change's one
/// connection and transaction, and a store's own transaction joins it (commits only with the change).
/// </summary>
internal sealed class SqlDb(SqlDialect dialect, SqlChange? change = null)
{
    // Rows are mapped by column name (Dapper): user_name fills UserName. Set once for the process, before any query.
    static SqlDb() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public SqlDialect Dialect => dialect;

    /// <summary>Rows mapped by column name onto <typeparamref name="T"/>'s properties; <paramref name="param"/> names the @parameters.</summary>
    public async Task<List<T>> ListAsync<T>(string sql, object? param, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await ListAsync<T>(c, c.Transaction, sql, param, ct);
    }

    public static async Task<List<T>> ListAsync<T>(DbConnection c, DbTransaction? tx, string sql, object? param, CancellationToken ct) =>
        (await c.QueryAsync<T>(new CommandDefinition(sql, param, tx ?? SqlChange.TransactionOf(c), cancellationToken: ct))).AsList();

    public async Task<int> WriteAsync(string sql, object? param, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        return await WriteAsync(c, c.Transaction, sql, param, ct);
    }

    public static Task<int> WriteAsync(DbConnection c, DbTransaction? tx, string sql, object? param, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(sql, param, tx ?? SqlChange.TransactionOf(c), cancellationToken: ct));

    public async Task<SqlLease> OpenAsync(CancellationToken ct)
    {
        if (change is not null) return new SqlLease(dialect, await change.OpenAsync(ct), change.Transaction, owned: false);
        return new SqlLease(dialect, await OpenConnectionAsync(dialect, ct), null, owned: true);
    }

    public static async Task<DbConnection> OpenConnectionAsync(SqlDialect dialect, CancellationToken ct)
    {
        var c = dialect.CreateConnection();
        await c.OpenAsync(ct);
        await dialect.SetupAsync(c, ct);
        return c;
    }

    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx ?? SqlChange.TransactionOf(c);
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public static async Task<int> ExecuteAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = Command(c, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var c = await OpenAsync(ct);
        return await ExecuteAsync(c, c.Transaction, sql, ct, args);
    }

    /// <summary>A JSON array of integers, for <see cref="SqlDialect.InJsonIntegers"/> (one parameter for any number of keys).</summary>
    public static string JsonIntegers(IEnumerable<long> values) =>
        "[" + string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    public static DateTimeOffset Time(string s) => DateTimeOffset.ParseExact(s, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>A connection for one store call: owned (closed at the end) or the change's (left open).</summary>
internal sealed class SqlLease(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, bool owned) : IAsyncDisposable
{
    public DbConnection Connection => connection;

    /// <summary>The change's transaction, or null outside a change.</summary>
    public DbTransaction? Transaction => transaction;

    /// <summary>A write transaction of the store's own, or (inside a change) the change's, committed only with it.</summary>
    public async Task<SqlTransaction> BeginAsync(CancellationToken ct) =>
        transaction is not null ? new SqlTransaction(transaction, joined: true) : new SqlTransaction(await dialect.BeginWriteAsync(connection, ct), joined: false);

    public static implicit operator DbConnection(SqlLease lease) => lease.Connection;

    public ValueTask DisposeAsync() => owned ? connection.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>A store's transaction; joined to a change it neither commits nor ends (a rollback dooms the change).</summary>
internal sealed class SqlTransaction(DbTransaction inner, bool joined) : IAsyncDisposable
{
    private bool rolledBack;

    public DbTransaction Inner => inner;

    public Task CommitAsync(CancellationToken ct) => joined ? Task.CompletedTask : inner.CommitAsync(ct);

    public async Task RollbackAsync(CancellationToken ct)
    {
        if (joined)
        {
            SqlChange.Doom(inner);
            return;
        }
        rolledBack = true;
        await inner.RollbackAsync(ct);
    }

    public static implicit operator DbTransaction(SqlTransaction tx) => tx.Inner;

    public ValueTask DisposeAsync() => joined || rolledBack ? ValueTask.CompletedTask : inner.DisposeAsync();
}
