using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

public sealed class SqlSessionStore : ISessionStore
{
    private readonly SqlDb db;

    public SqlSessionStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    public Task AddAsync(SessionRecord s, CancellationToken ct) =>
        db.WriteAsync("INSERT INTO sessions (id_hash, user_id, created, last_seen, source) VALUES (@IdHash, @UserId, @Created, @LastSeen, @Source)",
            Row.From(s), ct);

    public async Task<SessionRecord?> FindAsync(string idHash, CancellationToken ct) =>
        (await db.ListAsync<Row>(Select + " WHERE id_hash = @idHash", new { idHash }, ct)).SingleOrDefault()?.ToRecord();

    // Times are UTC round-trip text of one fixed width: ordering the text orders the times, in SQLite and PostgreSQL alike.
    public async Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        [.. (await db.ListAsync<Row>(Select + " WHERE user_id = @userId ORDER BY created DESC, id_hash", new { userId }, ct)).Select(r => r.ToRecord())];

    private const string Select = "SELECT id_hash, user_id, created, last_seen, source FROM sessions";

    /// <summary>A sessions row, mapped by column name.</summary>
    private sealed class Row
    {
        public string IdHash { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Created { get; init; } = "";
        public string LastSeen { get; init; } = "";
        public string Source { get; init; } = "";

        public SessionRecord ToRecord() => new(IdHash, UserId, SqlDb.Time(Created), SqlDb.Time(LastSeen), Source);

        public static Row From(SessionRecord s) =>
            new() { IdHash = s.IdHash, UserId = s.UserId, Created = SqlDb.Time(s.Created), LastSeen = SqlDb.Time(s.LastSeen), Source = s.Source };
    }

    public Task TouchAsync(string idHash, DateTimeOffset lastSeen, CancellationToken ct) =>
        db.WriteAsync("UPDATE sessions SET last_seen = @lastSeen WHERE id_hash = @idHash", new { idHash, lastSeen = SqlDb.Time(lastSeen) }, ct);

    public Task DeleteAsync(string idHash, CancellationToken ct) => db.WriteAsync("DELETE FROM sessions WHERE id_hash = @idHash", new { idHash }, ct);

    public Task<int> DeleteAllForUserAsync(string userId, CancellationToken ct) => db.WriteAsync("DELETE FROM sessions WHERE user_id = @userId", new { userId }, ct);
}
