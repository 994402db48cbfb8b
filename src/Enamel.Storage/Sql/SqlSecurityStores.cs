using Enamel.Core.Audit;

namespace Enamel.Storage.Sql;

/// <summary>The security stores over one database: create once, <see cref="InitializeAsync"/> migrates the schema.</summary>
public sealed class SqlSecurityStores(SqlDialect dialect, AuditCheckpointSigner signer, TimeProvider time)
{
    public SqlUserStore Users { get; } = new(dialect);
    public SqlSessionStore Sessions { get; } = new(dialect);
    public SqlApiTokenStore Tokens { get; } = new(dialect);
    public SqlRoleCatalog Roles { get; } = new(dialect);
    public SqlBreakGlassStore BreakGlass { get; } = new(dialect);
    public SqlPendingStepStore PendingSteps { get; } = new(dialect);
    public SqlAuditLog Audit { get; } = new(dialect, signer, time);

    /// <summary>Changes that commit together with their audit entries (one transaction).</summary>
    public SqlUnitOfWork Changes { get; } = new(dialect, signer, time);

    /// <summary>Brings the database to the current schema (<see cref="Migrations.MigrationRunner"/>; a no-op when up to date).</summary>
    public Task InitializeAsync(CancellationToken ct) => new Migrations.MigrationRunner(dialect).RunAsync(new(DefaultClinic: null), ct);
}
