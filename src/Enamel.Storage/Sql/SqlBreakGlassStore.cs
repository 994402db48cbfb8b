using Enamel.Core.Access;

namespace Enamel.Storage.Sql;

public sealed class SqlBreakGlassStore : IBreakGlassStore
{
    private readonly SqlDb db;

    public SqlBreakGlassStore(SqlDialect dialect, SqlChange? change = null) => db = new SqlDb(dialect, change);

    private const string Select = "SELECT id, user_id, patient_key, reason, granted, expires, reviewed_by FROM break_glass";

    public Task AddAsync(BreakGlassGrant g, CancellationToken ct) =>
        db.WriteAsync("INSERT INTO break_glass (id, user_id, patient_key, reason, granted, expires, reviewed_by) VALUES (@Id, @UserId, @PatientKey, @Reason, @Granted, @Expires, NULL)",
            new Row { Id = g.Id, UserId = g.UserId, PatientKey = g.PatientKey, Reason = g.Reason, Granted = SqlDb.Time(g.Granted), Expires = SqlDb.Time(g.Expires) }, ct);

    public async Task<BreakGlassGrant?> FindActiveAsync(string userId, long patientKey, DateTimeOffset now, CancellationToken ct) =>
        (await db.ListAsync<Row>(Select + " WHERE user_id = @userId AND patient_key = @patientKey", new { userId, patientKey }, ct))
        .Select(r => r.ToGrant()).Where(g => g.IsActive(now)).OrderByDescending(g => g.Expires).FirstOrDefault();

    public async Task<IReadOnlyList<BreakGlassGrant>> ListActiveAsync(string userId, DateTimeOffset now, CancellationToken ct) =>
        [.. (await db.ListAsync<Row>(Select + " WHERE user_id = @userId", new { userId }, ct)).Select(r => r.ToGrant()).Where(g => g.IsActive(now))];

    public async Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(CancellationToken ct) =>
        [.. (await db.ListAsync<Row>(Select + " WHERE reviewed_by IS NULL ORDER BY granted", null, ct)).Select(r => r.ToGrant())];

    public Task MarkReviewedAsync(string grantId, string reviewerUserId, CancellationToken ct) =>
        db.WriteAsync("UPDATE break_glass SET reviewed_by = @reviewerUserId WHERE id = @grantId", new { grantId, reviewerUserId }, ct);

    /// <summary>A break_glass row, mapped by column name.</summary>
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string UserId { get; init; } = "";
        public long PatientKey { get; init; }
        public string Reason { get; init; } = "";
        public string Granted { get; init; } = "";
        public string Expires { get; init; } = "";
        public string? ReviewedBy { get; init; }

        public BreakGlassGrant ToGrant() => new(Id, UserId, PatientKey, Reason, SqlDb.Time(Granted), SqlDb.Time(Expires)) { ReviewedBy = ReviewedBy };
    }
}
