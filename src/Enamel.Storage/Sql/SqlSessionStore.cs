using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

public sealed class SqlSessionStore : ISessionStore
{
    private readonly SqlDb db;

    public SqlSessionStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    public Task AddAsync(SessionRecord s, CancellationToken ct) =>
        db.ExecuteAsync("INSERT INTO sessions (id_hash, user_id, created, last_seen, source) VALUES (@h, @u, @c, @l, @s)", ct,
            ("@h", s.IdHash), ("@u", s.UserId), ("@c", SqlDb.Time(s.Created)), ("@l", SqlDb.Time(s.LastSeen)), ("@s", s.Source));

    public async Task<SessionRecord?> FindAsync(string idHash, CancellationToken ct) =>
        (await db.QueryAsync("SELECT id_hash, user_id, created, last_seen, source FROM sessions WHERE id_hash = @h", Read, ct, ("@h", idHash)))
        .SingleOrDefault();

    // Times are UTC round-trip text of one fixed width: ordering the text orders the times, in SQLite and PostgreSQL alike.
    public async Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        await db.QueryAsync("SELECT id_hash, user_id, created, last_seen, source FROM sessions WHERE user_id = @u ORDER BY created DESC, id_hash", Read, ct, ("@u", userId));

    private static SessionRecord Read(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), SqlDb.Time(r.GetString(2)), SqlDb.Time(r.GetString(3)), r.GetString(4));

    public Task TouchAsync(string idHash, DateTimeOffset lastSeen, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE sessions SET last_seen = @l WHERE id_hash = @h", ct, ("@h", idHash), ("@l", SqlDb.Time(lastSeen)));

    public Task DeleteAsync(string idHash, CancellationToken ct) => db.ExecuteAsync("DELETE FROM sessions WHERE id_hash = @h", ct, ("@h", idHash));

    public Task<int> DeleteAllForUserAsync(string userId, CancellationToken ct) => db.ExecuteAsync("DELETE FROM sessions WHERE user_id = @u", ct, ("@u", userId));
}
