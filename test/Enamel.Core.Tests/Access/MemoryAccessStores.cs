using System.Runtime.CompilerServices;
using Enamel.Core.Access;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Access;

/// <summary>In-memory doubles for the policy's ports (the SQL ones are tested in Enamel.Storage.Tests).</summary>
public sealed class MemoryAuditLog : IAuditLog
{
    public List<AuditRecord> Records { get; } = [];

    public Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        var previous = Records.Count == 0 ? AuditChain.Genesis : Records[^1].Hash;
        var record = new AuditRecord(Records.Count + 1, auditEvent, AuditChain.Hash(previous, Records.Count + 1, auditEvent));
        Records.Add(record);
        return Task.FromResult(record);
    }

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        foreach (var r in Records.Where(r => r.Sequence >= fromSequence)) yield return r;
    }

    public Task<AuditCheckpoint?> CheckpointAsync(CancellationToken ct) => Task.FromResult<AuditCheckpoint?>(null);
    public Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<AuditCheckpoint>>([]);
}

public sealed class MemoryBreakGlassStore : IBreakGlassStore
{
    public List<BreakGlassGrant> Grants { get; } = [];

    public Task AddAsync(BreakGlassGrant grant, CancellationToken ct)
    {
        Grants.Add(grant);
        return Task.CompletedTask;
    }

    public Task<BreakGlassGrant?> FindActiveAsync(string userId, long patientKey, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(Grants.FirstOrDefault(g => g.UserId == userId && g.PatientKey == patientKey && g.IsActive(now)));

    public Task<IReadOnlyList<BreakGlassGrant>> ListActiveAsync(string userId, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BreakGlassGrant>>([.. Grants.Where(g => g.UserId == userId && g.IsActive(now))]);

    public Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BreakGlassGrant>>([.. Grants.Where(g => g.ReviewedBy is null)]);

    public Task MarkReviewedAsync(string grantId, string reviewerUserId, CancellationToken ct)
    {
        int i = Grants.FindIndex(g => g.Id == grantId);
        Grants[i] = Grants[i] with { ReviewedBy = reviewerUserId };
        return Task.CompletedTask;
    }
}

public sealed class BuiltInRoles(params Role[] custom) : IRoleCatalog
{
    public Task<Role?> FindAsync(string name, CancellationToken ct) =>
        Task.FromResult(RoleTable.BuiltIn.TryGetValue(name, out var r) ? r : custom.FirstOrDefault(c => c.Name == name));

    public Task<IReadOnlyList<Role>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Role>>([.. RoleTable.BuiltIn.Values, .. custom]);

    public Task SaveCustomAsync(Role role, CancellationToken ct) => throw new NotSupportedException("the built-in test catalog is fixed");
}

/// <summary>
/// A unit of work over the memory doubles: grants and audit entries are held back until commit, so a change that is
/// not committed leaves nothing behind (as the SQL one does). Only the break-glass store is offered.
/// </summary>
public sealed class MemoryUnitOfWork(MemoryBreakGlassStore grants, MemoryAuditLog audit) : Enamel.Core.Records.IUnitOfWork
{
    public Task<Enamel.Core.Records.IChangeScope> BeginAsync(CancellationToken ct) => Task.FromResult<Enamel.Core.Records.IChangeScope>(new Scope(grants, audit));

    private sealed class Scope(MemoryBreakGlassStore grants, MemoryAuditLog audit) : Enamel.Core.Records.IChangeScope, IBreakGlassStore
    {
        private readonly List<BreakGlassGrant> added = [];
        private readonly List<AuditEvent> events = [];

        public Enamel.Core.Accounts.IUserStore Users => throw new NotSupportedException();
        public Enamel.Core.Accounts.ISessionStore Sessions => throw new NotSupportedException();
        public Enamel.Core.Accounts.IApiTokenStore Tokens => throw new NotSupportedException();
        public IBreakGlassStore BreakGlass => this;
        public Enamel.Core.Studies.IStudyIndex Studies => throw new NotSupportedException();
        public Enamel.Core.Patients.IPatientStore Patients => throw new NotSupportedException();
        public Enamel.Core.Records.IRecordEntryStore Entries => throw new NotSupportedException();
        public IAuditCheckpoints Checkpoints => throw new NotSupportedException();

        public Task<AuditRecord> AuditAsync(AuditEvent auditEvent, CancellationToken ct)
        {
            events.Add(auditEvent);
            return Task.FromResult(new AuditRecord(0, auditEvent, []));
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            foreach (var g in added) await grants.AddAsync(g, ct);
            foreach (var e in events) await audit.AppendAsync(e, ct);
        }

        public Task AddAsync(BreakGlassGrant grant, CancellationToken ct)
        {
            added.Add(grant);
            return Task.CompletedTask;
        }

        public Task<BreakGlassGrant?> FindActiveAsync(string userId, long patientKey, DateTimeOffset now, CancellationToken ct) => grants.FindActiveAsync(userId, patientKey, now, ct);
        public Task<IReadOnlyList<BreakGlassGrant>> ListActiveAsync(string userId, DateTimeOffset now, CancellationToken ct) => grants.ListActiveAsync(userId, now, ct);
        public Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(CancellationToken ct) => grants.ListUnreviewedAsync(ct);
        public Task MarkReviewedAsync(string grantId, string reviewerUserId, CancellationToken ct) => grants.MarkReviewedAsync(grantId, reviewerUserId, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
