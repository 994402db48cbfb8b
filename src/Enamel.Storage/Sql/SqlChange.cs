using System.Data.Common;
using System.Runtime.CompilerServices;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Records;
using Enamel.Core.Studies;

namespace Enamel.Storage.Sql;

/// <summary>
/// The unit of work over one database: <see cref="BeginAsync"/> opens one connection and one write transaction
/// (BEGIN IMMEDIATE on SQLite) that the change's stores and its audit appends share.
/// </summary>
public sealed class SqlUnitOfWork(SqlDialect dialect, AuditCheckpointSigner signer, TimeProvider time) : IUnitOfWork
{
    /// <summary>Audit appends of changes checkpoint at the same interval as the shared log (see <see cref="SqlAuditLog.CheckpointInterval"/>).</summary>
    public int CheckpointInterval { get; init; } = 100;

    /// <summary>The patient store (its sealer and blind index) a change's patient writes go through; attached when the archive opens.</summary>
    internal Patients.SqlPatientStore? PatientStore { get; set; }

    /// <summary>The clinical record's entry store (its sealer and blind index) a change's entry writes go through; attached when the archive opens.</summary>
    internal Records.SqlRecordEntryStore? EntryStore { get; set; }

    async Task<IChangeScope> IUnitOfWork.BeginAsync(CancellationToken ct) => await BeginAsync(ct);

    /// <summary>A change with the concrete stores (for Storage-level writes such as custom roles).</summary>
    public async Task<SqlChange> BeginAsync(CancellationToken ct)
    {
        var c = await SqlDb.OpenConnectionAsync(dialect, ct);
        try
        {
            var tx = await dialect.BeginWriteAsync(c, ct);
            return new SqlChange(dialect, c, tx, new SqlAuditLog(dialect, signer, time) { CheckpointInterval = CheckpointInterval }, time, PatientStore, EntryStore);
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One change in progress on one connection and transaction; see <see cref="IChangeScope"/>.</summary>
public sealed class SqlChange : IChangeScope
{
    private static readonly ConditionalWeakTable<DbConnection, DbTransaction> Active = new();
    private static readonly ConditionalWeakTable<DbTransaction, object> Doomed = new();
    private readonly DbConnection connection;
    private readonly SqlAuditLog audit;
    private bool committed;

    internal SqlChange(SqlDialect dialect, DbConnection connection, DbTransaction transaction, SqlAuditLog audit, TimeProvider time,
        Patients.SqlPatientStore? patients = null, Records.SqlRecordEntryStore? entries = null)
    {
        patientStore = patients?.In(this);
        entryStore = entries?.In(this);
        this.connection = connection;
        Transaction = transaction;
        this.audit = audit;
        Active.AddOrUpdate(connection, transaction);
        // Npgsql hands out the same transaction object again on a pooled connection: a mark left by an earlier change is not this one's.
        Doomed.Remove(transaction);
        Users = new SqlUserStore(dialect, this);
        Sessions = new SqlSessionStore(dialect, this);
        Tokens = new SqlApiTokenStore(dialect, this);
        BreakGlass = new SqlBreakGlassStore(dialect, this);
        Roles = new SqlRoleCatalog(dialect, this);
        Checkpoints = audit.In(this);
        // The default clinic only matters to migrations, which a change never runs.
        Studies = new SqlStudyIndex(dialect, time, defaultClinic: "", this);
        // The index seals descriptions under the patient's data key and finds the Patient ID's holder through the blind index.
        if (patientStore is not null) Studies.AttachPatients(patientStore);
    }

    internal DbTransaction Transaction { get; }

    public SqlUserStore Users { get; }
    public SqlSessionStore Sessions { get; }
    public SqlApiTokenStore Tokens { get; }
    public SqlBreakGlassStore BreakGlass { get; }
    public SqlRoleCatalog Roles { get; }
    public SqlStudyIndex Studies { get; }
    public SqlAuditLog Checkpoints { get; }
    IAuditCheckpoints IChangeScope.Checkpoints => Checkpoints;

    private readonly Patients.SqlPatientStore? patientStore;

    /// <summary>The patient store inside this change (sealed writes and their tokens commit with the change).</summary>
    public Patients.SqlPatientStore Patients => patientStore ?? throw new InvalidOperationException("this unit of work has no patient store attached");

    Enamel.Core.Patients.IPatientStore IChangeScope.Patients => Patients;

    private readonly Records.SqlRecordEntryStore? entryStore;

    /// <summary>The clinical record's entries inside this change (each version, its tokens and its record_versions row commit with the change).</summary>
    public Records.SqlRecordEntryStore Entries => entryStore ?? throw new InvalidOperationException("this unit of work has no entry store attached");

    IRecordEntryStore IChangeScope.Entries => Entries;
    IUserStore IChangeScope.Users => Users;
    ISessionStore IChangeScope.Sessions => Sessions;
    IApiTokenStore IChangeScope.Tokens => Tokens;
    IBreakGlassStore IChangeScope.BreakGlass => BreakGlass;
    IStudyIndex IChangeScope.Studies => Studies;

    internal Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(committed, this);
        return Task.FromResult(connection);
    }

    public Task<AuditRecord> AuditAsync(AuditEvent auditEvent, CancellationToken ct) => audit.AppendAsync(connection, Transaction, auditEvent, ct);

    public async Task CommitAsync(CancellationToken ct)
    {
        if (Doomed.TryGetValue(Transaction, out _))
            throw new InvalidOperationException("a store rolled back its part of this change: the change cannot commit");
        await Transaction.CommitAsync(ct);
        committed = true;
    }

    /// <summary>The transaction of the change running on <paramref name="c"/>, if any (commands on it must name it).</summary>
    internal static DbTransaction? TransactionOf(DbConnection c) => Active.TryGetValue(c, out var tx) ? tx : null;

    internal static void Doom(DbTransaction tx) => Doomed.AddOrUpdate(tx, new object());

    public async ValueTask DisposeAsync()
    {
        Active.Remove(connection);
        Doomed.Remove(Transaction);
        try
        {
            if (!committed) await Transaction.RollbackAsync(CancellationToken.None);
        }
        catch (DbException)
        {
            // Already rolled back by the database (a failed statement on PostgreSQL, a lost connection): nothing to undo.
        }
        catch (InvalidOperationException)
        {
            // The transaction was completed (e.g. a commit that failed after being sent); disposing ends it.
        }
        finally
        {
            await Transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
