using System.Data.Common;
using System.Globalization;

namespace Enamel.Storage.Sql;

/// <summary>Connections and parameterized commands for every SQL store (one place for the ADO.NET plumbing).</summary>
internal sealed class SqlDb(SqlDialect dialect)
{
    public SqlDialect Dialect => dialect;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var c = dialect.CreateConnection();
        await c.OpenAsync(ct);
        if (dialect.ConnectionSetup is { } setup)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = setup;
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return c;
    }

    public static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
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
        return await ExecuteAsync(c, null, sql, ct, args);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string, object?)[] args)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = Command(c, null, sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(read(r));
        return list;
    }

    /// <summary>A JSON array of integers, for <see cref="SqlDialect.InJsonIntegers"/> (one parameter for any number of keys).</summary>
    public static string JsonIntegers(IEnumerable<long> values) =>
        "[" + string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
    public static DateTimeOffset Time(string s) => DateTimeOffset.ParseExact(s, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
    public static DateTimeOffset? TimeOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetString(i));
    public static string? StringOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? LongOrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
