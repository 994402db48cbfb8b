using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

/// <summary>Pending sign-in steps and TOTP enrolments in one table; times are fixed-width UTC text, so text order is time order.</summary>
public sealed class SqlPendingStepStore(SqlDialect dialect) : IPendingStepStore
{
    private readonly SqlDb db = new(dialect);

    public async Task PutAsync(string kind, string keyHash, string payload, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await SqlDb.WriteAsync(c, c.Transaction, "DELETE FROM pending_steps WHERE expires <= @now", new { now = SqlDb.Time(now) }, ct);
        await SqlDb.WriteAsync(c, c.Transaction, """
            INSERT INTO pending_steps (kind, key_hash, payload, expires) VALUES (@kind, @keyHash, @payload, @expires)
            ON CONFLICT (kind, key_hash) DO UPDATE SET payload = excluded.payload, expires = excluded.expires
            """, new { kind, keyHash, payload, expires = SqlDb.Time(expires) }, ct);
    }

    public async Task<string?> TakeAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct) =>
        (await db.ListAsync<Row>("DELETE FROM pending_steps WHERE kind = @kind AND key_hash = @keyHash RETURNING payload, expires", new { kind, keyHash }, ct))
        .Where(e => SqlDb.Time(e.Expires) > now).Select(e => e.Payload).SingleOrDefault();

    public async Task<string?> PeekAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct) =>
        (await db.ListAsync<string>("SELECT payload FROM pending_steps WHERE kind = @kind AND key_hash = @keyHash AND expires > @now",
            new { kind, keyHash, now = SqlDb.Time(now) }, ct)).SingleOrDefault();

    public Task RemoveAsync(string kind, string keyHash, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM pending_steps WHERE kind = @kind AND key_hash = @keyHash", new { kind, keyHash }, ct);

    /// <summary>A pending_steps row (payload and expiry), mapped by column name.</summary>
    private sealed class Row
    {
        public string Payload { get; init; } = "";
        public string Expires { get; init; } = "";
    }
}
