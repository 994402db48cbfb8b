using Enamel.Core.Audit;

namespace Enamel.Storage.Sql;

/// <summary>The security stores over one database: create once, <see cref="InitializeAsync"/> creates the tables.</summary>
public sealed class SqlSecurityStores(SqlDialect dialect, AuditCheckpointSigner signer, TimeProvider time)
{
    public SqlUserStore Users { get; } = new(dialect);
    public SqlSessionStore Sessions { get; } = new(dialect);
    public SqlApiTokenStore Tokens { get; } = new(dialect);
    public SqlRoleCatalog Roles { get; } = new(dialect);
    public SqlBreakGlassStore BreakGlass { get; } = new(dialect);
    public SqlPendingStepStore PendingSteps { get; } = new(dialect);
    public SqlAuditLog Audit { get; } = new(dialect, signer, time);

    public async Task InitializeAsync(CancellationToken ct)
    {
        var db = new SqlDb(dialect);
        await using var c = await db.OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = SecuritySchema.Create(dialect);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
