using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Studies;

namespace Enamel.Core.Records;

/// <summary>
/// Starts changes that commit together with their audit entries: whatever is written through a scope's stores and
/// every <see cref="IChangeScope.AuditAsync"/> (the hash-chain append included) commit in one database transaction,
/// or not at all.
/// </summary>
public interface IUnitOfWork
{
    Task<IChangeScope> BeginAsync(CancellationToken ct);
}

/// <summary>
/// One change in progress. Disposing it without <see cref="CommitAsync"/> rolls everything back (the audit entries
/// too: the chain head stays where it was). Use the scope's stores for the writes of the change, not the shared ones.
/// </summary>
public interface IChangeScope : IAsyncDisposable
{
    IUserStore Users { get; }
    ISessionStore Sessions { get; }
    IApiTokenStore Tokens { get; }
    IBreakGlassStore BreakGlass { get; }
    IStudyIndex Studies { get; }
    Patients.IPatientStore Patients { get; }
    IRecordEntryStore Entries { get; }

    /// <summary>Checkpoint maintenance inside this change (master-key rotation re-signs them with its audit entry).</summary>
    IAuditCheckpoints Checkpoints { get; }

    /// <summary>Appends the entry to the audit chain inside this change's transaction.</summary>
    Task<AuditRecord> AuditAsync(AuditEvent auditEvent, CancellationToken ct);

    Task CommitAsync(CancellationToken ct);
}
