using Enamel.Core.Access;

namespace Enamel.Storage.Sql;

public sealed class SqlBreakGlassStore : IBreakGlassStore
{
    private readonly SqlDb db;

    public SqlBreakGlassStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = "SELECT id, user_id, patient_key, reason, granted, expires, reviewed_by FROM break_glass";

    public Task AddAsync(BreakGlassGrant g, CancellationToken ct) =>
        db.ExecuteAsync("INSERT INTO break_glass (id, user_id, patient_key, reason, granted, expires, reviewed_by) VALUES (@id, @u, @p, @r, @g, @e, NULL)", ct,
            ("@id", g.Id), ("@u", g.UserId), ("@p", g.PatientKey), ("@r", g.Reason), ("@g", SqlDb.Time(g.Granted)), ("@e", SqlDb.Time(g.Expires)));

    public async Task<BreakGlassGrant?> FindActiveAsync(string userId, long patientKey, DateTimeOffset now, CancellationToken ct) =>
        (await db.QueryAsync(Select + " WHERE user_id = @u AND patient_key = @p", Read, ct, ("@u", userId), ("@p", patientKey)))
        .Where(g => g.IsActive(now)).OrderByDescending(g => g.Expires).FirstOrDefault();

    public async Task<IReadOnlyList<BreakGlassGrant>> ListActiveAsync(string userId, DateTimeOffset now, CancellationToken ct) =>
        [.. (await db.QueryAsync(Select + " WHERE user_id = @u", Read, ct, ("@u", userId))).Where(g => g.IsActive(now))];

    public async Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(CancellationToken ct) =>
        await db.QueryAsync(Select + " WHERE reviewed_by IS NULL ORDER BY granted", Read, ct);

    public Task MarkReviewedAsync(string grantId, string reviewerUserId, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE break_glass SET reviewed_by = @r WHERE id = @id", ct, ("@id", grantId), ("@r", reviewerUserId));

    private static BreakGlassGrant Read(System.Data.Common.DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), SqlDb.Time(r.GetString(4)), SqlDb.Time(r.GetString(5)))
        { ReviewedBy = SqlDb.StringOrNull(r, 6) };
}
