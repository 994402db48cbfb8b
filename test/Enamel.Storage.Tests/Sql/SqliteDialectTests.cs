using System.Data.Common;
using System.Globalization;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>The SQLite connection settings hold on every connection a store opens, also when the pool hands a handle out again.</summary>
public sealed class SqliteDialectTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string root = Path.Combine(Path.GetTempPath(), "enamel-dialect-tests", Guid.NewGuid().ToString("N"));

    public SqliteDialectTests() => Directory.CreateDirectory(root);

    [Fact]
    public async Task Pragmas_HoldOnEveryOpen_IncludingPooledHandles()
    {
        var dialect = SqlDialect.Sqlite(Path.Combine(root, "index.db"));
        object? first = null;
        for (int round = 0; round < 3; round++)
        {
            await using var c = dialect.CreateConnection();
            await c.OpenAsync(Ct);
            await dialect.SetupAsync(c, Ct);
            var handle = ((Microsoft.Data.Sqlite.SqliteConnection)c).Handle;
            Assert.NotNull(handle);
            if (round == 0) first = handle;
            else Assert.Same(first, handle); // the pool handed the same handle out again: the set-up was skipped
            Assert.Equal("wal", await ScalarAsync(c, "PRAGMA journal_mode"));
            Assert.Equal("2", await ScalarAsync(c, "PRAGMA synchronous")); // FULL: an acknowledged commit is on disk
            Assert.Equal("1", await ScalarAsync(c, "PRAGMA foreign_keys"));
            Assert.Equal("30000", await ScalarAsync(c, "PRAGMA busy_timeout"));
            Assert.Equal("1", await ScalarAsync(c, "PRAGMA secure_delete"));
        }
    }

    private static async Task<string> ScalarAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(await cmd.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture) ?? "";
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(root, recursive: true);
    }
}
