using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

/// <summary>Pending sign-in steps and TOTP enrolments in one table; times are fixed-width UTC text, so text order is time order.</summary>
public sealed class SqlPendingStepStore(SqlDialect dialect) : IPendingStepStore
{
    private readonly SqlDb db = new(dialect);

    public async Task PutAsync(string kind, string keyHash, string payload, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await SqlDb.ExecuteAsync(c, null, "DELETE FROM pending_steps WHERE expires <= @now", ct, ("@now", SqlDb.Time(now)));
        await SqlDb.ExecuteAsync(c, null, """
            INSERT INTO pending_steps (kind, key_hash, payload, expires) VALUES (@k, @h, @p, @e)
            ON CONFLICT (kind, key_hash) DO UPDATE SET payload = excluded.payload, expires = excluded.expires
            """, ct, ("@k", kind), ("@h", keyHash), ("@p", payload), ("@e", SqlDb.Time(expires)));
    }

    public async Task<string?> TakeAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct) =>
        (await db.QueryAsync("DELETE FROM pending_steps WHERE kind = @k AND key_hash = @h RETURNING payload, expires",
            r => (Payload: r.GetString(0), Expires: SqlDb.Time(r.GetString(1))), ct, ("@k", kind), ("@h", keyHash)))
        .Where(e => e.Expires > now).Select(e => e.Payload).SingleOrDefault();

    public async Task<string?> PeekAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct) =>
        (await db.QueryAsync("SELECT payload FROM pending_steps WHERE kind = @k AND key_hash = @h AND expires > @now",
            r => r.GetString(0), ct, ("@k", kind), ("@h", keyHash), ("@now", SqlDb.Time(now)))).SingleOrDefault();

    public Task RemoveAsync(string kind, string keyHash, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM pending_steps WHERE kind = @k AND key_hash = @h", ct, ("@k", kind), ("@h", keyHash));
}
