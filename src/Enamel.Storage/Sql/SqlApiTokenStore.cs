using Enamel.Core.Access;
using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

public sealed class SqlApiTokenStore : IApiTokenStore
{
    private readonly SqlDb db;

    public SqlApiTokenStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = "SELECT id, hash, user_id, name, scope, created, expires, revoked FROM api_tokens";

    public Task AddAsync(ApiTokenRecord t, CancellationToken ct) =>
        db.WriteAsync("INSERT INTO api_tokens (id, hash, user_id, name, scope, created, expires, revoked) VALUES (@Id, @Hash, @UserId, @Name, @Scope, @Created, @Expires, NULL)",
            new Row
            {
                Id = t.Id, Hash = t.Hash, UserId = t.UserId, Name = t.Name, Scope = string.Join(',', t.Scope.Select(o => o.ToString()).Order()),
                Created = SqlDb.Time(t.Created), Expires = SqlDb.Time(t.Expires),
            }, ct);

    public async Task<ApiTokenRecord?> FindByHashAsync(string hash, CancellationToken ct) =>
        (await db.ListAsync<Row>(Select + " WHERE hash = @hash", new { hash }, ct)).SingleOrDefault()?.ToRecord();

    public async Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        [.. (await db.ListAsync<Row>(Select + " WHERE user_id = @userId ORDER BY created", new { userId }, ct)).Select(r => r.ToRecord())];

    public async Task<bool> RevokeAsync(string tokenId, DateTimeOffset when, CancellationToken ct) =>
        await db.WriteAsync("UPDATE api_tokens SET revoked = @revoked WHERE id = @tokenId AND revoked IS NULL", new { tokenId, revoked = SqlDb.Time(when) }, ct) == 1;

    /// <summary>An api_tokens row, mapped by column name.</summary>
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string Hash { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Scope { get; init; } = "";
        public string Created { get; init; } = "";
        public string Expires { get; init; } = "";
        public string? Revoked { get; init; }

        public ApiTokenRecord ToRecord() =>
            new(Id, Hash, UserId, Name, new HashSet<Operation>(Scope.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Operation.Parse)),
                SqlDb.Time(Created), SqlDb.Time(Expires))
            { Revoked = Revoked is null ? null : SqlDb.Time(Revoked) };
    }
}
