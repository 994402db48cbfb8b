using System.Data.Common;
using Enamel.Core.Access;
using Enamel.Core.Accounts;

namespace Enamel.Storage.Sql;

public sealed class SqlApiTokenStore : IApiTokenStore
{
    private readonly SqlDb db;

    public SqlApiTokenStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = "SELECT id, hash, user_id, name, scope, created, expires, revoked FROM api_tokens";

    public Task AddAsync(ApiTokenRecord t, CancellationToken ct) =>
        db.ExecuteAsync("INSERT INTO api_tokens (id, hash, user_id, name, scope, created, expires, revoked) VALUES (@id, @h, @u, @n, @s, @c, @e, NULL)", ct,
            ("@id", t.Id), ("@h", t.Hash), ("@u", t.UserId), ("@n", t.Name), ("@s", string.Join(',', t.Scope.Select(o => o.ToString()).Order())),
            ("@c", SqlDb.Time(t.Created)), ("@e", SqlDb.Time(t.Expires)));

    public async Task<ApiTokenRecord?> FindByHashAsync(string hash, CancellationToken ct) =>
        (await db.QueryAsync(Select + " WHERE hash = @h", Read, ct, ("@h", hash))).SingleOrDefault();

    public async Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        await db.QueryAsync(Select + " WHERE user_id = @u ORDER BY created", Read, ct, ("@u", userId));

    public async Task<bool> RevokeAsync(string tokenId, DateTimeOffset when, CancellationToken ct) =>
        await db.ExecuteAsync("UPDATE api_tokens SET revoked = @r WHERE id = @id AND revoked IS NULL", ct, ("@id", tokenId), ("@r", SqlDb.Time(when))) == 1;

    private static ApiTokenRecord Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
            new HashSet<Operation>(r.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Operation.Parse)),
            SqlDb.Time(r.GetString(5)), SqlDb.Time(r.GetString(6)))
        { Revoked = SqlDb.TimeOrNull(r, 7) };
}
