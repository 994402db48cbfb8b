using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Enamel.Core.Audit;

namespace Enamel.Storage.Sql;

/// <summary>
/// The audit trail in the database. Appends serialize on the single audit_head row (its UPDATE takes the row lock in
/// PostgreSQL and the write lock in SQLite), so sequence numbers are gap-free and each hash chains on the one before.
/// Every <see cref="CheckpointInterval"/> entries a signed checkpoint is written in the same transaction.
/// </summary>
public sealed class SqlAuditLog(SqlDialect dialect, AuditCheckpointSigner signer, TimeProvider time, SqlChange? change = null) : IAuditLog, IAuditCheckpoints
{
    private readonly SqlDb db = new(dialect, change);

    /// <summary>This log inside <paramref name="scope"/>: its reads and checkpoint writes run in the change's transaction.</summary>
    internal SqlAuditLog In(SqlChange scope) => new(dialect, signer, time, scope) { CheckpointInterval = CheckpointInterval };

    public int CheckpointInterval { get; init; } = 100;

    /// <summary>
    /// Appends one entry in its own transaction, answering only once that transaction has committed. Concurrent callers
    /// share transactions (group commit): while one batch is being written, the entries that arrive queue up, and the next
    /// writer appends all of them, in arrival order, in one transaction with one flush. Each caller still gets its record
    /// only after the commit that holds it, so "audited before answered" holds; the chain is the same as with one
    /// transaction per entry. If a shared batch fails, its entries are retried one transaction each, so one bad entry
    /// fails only its own caller.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        var entry = new PendingAppend(auditEvent);
        lock (queue) queue.Add(entry);
        // Whoever holds the gate writes the queued entries, oldest first, up to its own. Each entry is written even
        // if our caller gives up meanwhile (one audit entry too many is fine, one too few is not), so the wait for the
        // gate is not cancelled by ct: a cancelled caller that left its entry queued could otherwise leave it unwritten.
        var gate = writer.WaitAsync(CancellationToken.None);
        if (await Task.WhenAny(gate, entry.Done.Task) != gate)
        {
            // Written by another caller's batch: answer now, and give the gate back as soon as it comes.
            _ = gate.ContinueWith(_ => writer.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return await entry.Done.Task.WaitAsync(ct);
        }
        try
        {
            await WriteQueuedAsync(entry);
        }
        finally { writer.Release(); }
        return await entry.Done.Task.WaitAsync(ct);
    }

    private sealed class PendingAppend(AuditEvent auditEvent)
    {
        public AuditEvent Event { get; } = auditEvent;
        public TaskCompletionSource<AuditRecord> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly List<PendingAppend> queue = [];
    private readonly SemaphoreSlim writer = new(1, 1);

    /// <summary>Most entries in one shared transaction (bounds how long the write lock is held).</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>Batches written so far by <see cref="AppendAsync(AuditEvent, CancellationToken)"/> (for tests and diagnostics).</summary>
    public long BatchesWritten => Interlocked.Read(ref batches);
    private long batches;

    /// <summary>Entries waiting for the next shared transaction (for tests and diagnostics).</summary>
    public int QueuedEntries { get { lock (queue) return queue.Count; } }

    /// <summary>
    /// Writes the queue's oldest entries in shared transactions until <paramref name="mine"/> is written, then hands the
    /// gate on: entries queued later are written by their own callers (each waits for the gate), so no caller keeps
    /// writing other callers' entries under a steady load while its own answer waits.
    /// </summary>
    private async Task WriteQueuedAsync(PendingAppend mine)
    {
        while (!mine.Done.Task.IsCompleted)
        {
            List<PendingAppend> batch;
            lock (queue)
            {
                if (queue.Count == 0) return;
                int n = Math.Min(queue.Count, MaxBatch);
                batch = queue.GetRange(0, n);
                queue.RemoveRange(0, n);
            }
            // Not cancellable: other callers' entries are in this batch, and each is answered only after it commits.
            try
            {
                var records = await WriteBatchAsync(batch.Select(p => p.Event), CancellationToken.None);
                Interlocked.Increment(ref batches);
                for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(records[i]);
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var p in batch)
                {
                    try { p.Done.TrySetResult((await WriteBatchAsync([p.Event], CancellationToken.None))[0]); }
                    catch (Exception ex) { p.Done.TrySetException(ex); }
                }
            }
            catch (Exception ex)
            {
                batch[0].Done.TrySetException(ex);
            }
        }
    }

    private async Task<List<AuditRecord>> WriteBatchAsync(IEnumerable<AuditEvent> events, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        var records = new List<AuditRecord>();
        foreach (var e in events) records.Add(await AppendAsync(c, tx, e, ct));
        await tx.CommitAsync(ct);
        return records;
    }

    /// <summary>Appends inside the caller's transaction, so a data change and its audit entry commit (or roll back) together.</summary>
    public async Task<AuditRecord> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEvent e, CancellationToken ct)
    {
        var (seq, previous) = await LockHeadAsync(connection, transaction, advance: true, ct);
        var hash = AuditChain.Hash(previous, seq, e);
        await SqlDb.ExecuteAsync(connection, transaction, """
            INSERT INTO audit_log (seq, time, actor_id, actor_role, patient_key, object, action, outcome, purpose, source, detail, hash)
            VALUES (@seq, @time, @actor, @role, @patient, @object, @action, @outcome, @purpose, @source, @detail, @hash)
            """, ct, ("@seq", seq), ("@time", AuditChain.FormatTime(e.Time)), ("@actor", e.ActorId), ("@role", e.ActorRole), ("@patient", e.PatientKey),
            ("@object", e.Object.Text), ("@action", e.Action.Text), ("@outcome", e.Outcome.ToString()), ("@purpose", e.Purpose), ("@source", e.Source),
            ("@detail", e.Detail), ("@hash", Convert.ToHexStringLower(hash)));
        await SqlDb.ExecuteAsync(connection, transaction, "UPDATE audit_head SET hash = @hash WHERE id = 1", ct, ("@hash", Convert.ToHexStringLower(hash)));
        if (seq % CheckpointInterval == 0) await InsertCheckpointAsync(connection, transaction, seq, hash, ct);
        return new AuditRecord(seq, e, hash);
    }

    public async Task<AuditCheckpoint?> CheckpointAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        var (seq, hash) = await LockHeadAsync(c, tx, advance: false, ct);
        AuditCheckpoint? checkpoint = null;
        if (seq > 0)
        {
            await using var exists = SqlDb.Command(c, tx, "SELECT COUNT(*) FROM audit_checkpoints WHERE seq = @seq", ("@seq", seq));
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0)
                checkpoint = await InsertCheckpointAsync(c, tx, seq, hash, ct);
        }
        await tx.CommitAsync(ct);
        return checkpoint;
    }

    private static async Task<(long Seq, byte[] Hash)> LockHeadAsync(DbConnection c, DbTransaction tx, bool advance, CancellationToken ct)
    {
        var head = (await SqlDb.ListAsync<HeadRow>(c, tx, advance
            ? "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
            : "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash", null, ct)).SingleOrDefault()
            ?? throw new InvalidOperationException("audit_head is missing: the security schema was not initialized");
        return (head.Seq, Convert.FromHexString(head.Hash));
    }

    /// <summary>The audit_head row, mapped by column name.</summary>
    private sealed class HeadRow
    {
        public long Seq { get; init; }
        public string Hash { get; init; } = "";
    }

    private async Task<AuditCheckpoint> InsertCheckpointAsync(DbConnection c, DbTransaction tx, long seq, byte[] hash, CancellationToken ct)
    {
        var cp = signer.Sign(seq, hash, time.GetUtcNow());
        await SqlDb.ExecuteAsync(c, tx, "INSERT INTO audit_checkpoints (seq, hash, created, key_version, signature) VALUES (@seq, @hash, @created, @v, @sig)", ct,
            ("@seq", seq), ("@hash", Convert.ToHexStringLower(hash)), ("@created", AuditChain.FormatTime(cp.Created)), ("@v", (long)cp.KeyVersion),
            ("@sig", Convert.ToHexStringLower(cp.Signature)));
        return cp;
    }

    /// <summary>
    /// Reads in pages of <see cref="PageSize"/> with the connection closed between pages, so a long export or verification
    /// never holds a read lock that would stall appends (SQLite shared cache locks per table).
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken ct)
    {
        long next = fromSequence;
        while (true)
        {
            var page = (await db.ListAsync<Row>($"""
                {Select} FROM audit_log WHERE seq >= @next ORDER BY seq LIMIT {PageSize}
                """, new { next }, ct)).Select(r => r.ToRecord()).ToList();
            foreach (var r in page) yield return r;
            if (page.Count < PageSize) yield break;
            next = page[^1].Sequence + 1;
        }
    }

    public int PageSize { get; init; } = 1000;

    /// <summary>The filtered read in SQL (indexed by patient and actor); same answers as <see cref="AuditQuery.Matches"/>.</summary>
    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        var where = new List<string> { "seq > @after" };
        var args = new DynamicParameters();
        args.Add("after", query.AfterSequence);
        void Add(string clause, string name, object value) { where.Add(clause); args.Add(name, value); }
        if (query.ActorId is { } actor) Add("actor_id = @actor", "@actor", actor);
        if (query.PatientKey is { } patient) Add("patient_key = @patient", "@patient", patient);
        if (query.PatientKeys is { } keys)
            Add(dialect.InJsonIntegers("patient_key", "@patients"), "@patients", SqlDb.JsonIntegers(keys));
        if (query.Action is { } action) Add("action = @action", "@action", action);
        if (query.Outcome is { } outcome) Add("outcome = @outcome", "@outcome", outcome.ToString());
        // Prefix match without LIKE, whose wildcards (% _) would need escaping: compare the leading characters.
        if (query.ObjectPrefix is { Length: > 0 } prefix) Add("substr(object, 1, @prefixLength) = @prefix", "@prefix", prefix);
        if (query.ObjectPrefix is { Length: > 0 } p) args.Add("prefixLength", p.Length);
        // Times are stored as UTC round-trip text of one width: text order is time order.
        if (query.Since is { } since) Add("time >= @since", "@since", AuditChain.FormatTime(since));
        if (query.Until is { } until) Add("time < @until", "@until", AuditChain.FormatTime(until));
        int limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        return [.. (await db.ListAsync<Row>($"""
            {Select} FROM audit_log WHERE {string.Join(" AND ", where)} ORDER BY seq LIMIT {limit}
            """, args, ct)).Select(r => r.ToRecord())];
    }

    private const string Select = "SELECT seq, time, actor_id, actor_role, patient_key, object, action, outcome, purpose, source, detail, hash";

    /// <summary>An audit_log row, mapped by column name; the typed object and action are parsed from their stored text here.</summary>
    private sealed class Row
    {
        public long Seq { get; init; }
        public string Time { get; init; } = "";
        public string ActorId { get; init; } = "";
        public string ActorRole { get; init; } = "";
        public long? PatientKey { get; init; }
        public string Object { get; init; } = "";
        public string Action { get; init; } = "";
        public string Outcome { get; init; } = "";
        public string Purpose { get; init; } = "";
        public string Source { get; init; } = "";
        public string Detail { get; init; } = "";
        public string Hash { get; init; } = "";

        public AuditRecord ToRecord() =>
            new(Seq, new AuditEvent(AuditChain.ParseTime(Time), ActorId, ActorRole, PatientKey, AuditObject.Parse(Object), AuditAction.Parse(Action),
                Enum.TryParse<AuditOutcome>(Outcome, out var o) ? o : (AuditOutcome)(-1), Purpose, Source) { Detail = Detail }, HexOrEmpty(Hash));
    }

    /// <summary>An audit_checkpoints row, mapped by column name.</summary>
    private sealed class CheckpointRow
    {
        public long Seq { get; init; }
        public string Hash { get; init; } = "";
        public string Created { get; init; } = "";
        public long KeyVersion { get; init; }
        public string Signature { get; init; } = "";
    }

    public async Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken ct) =>
        [.. (await db.ListAsync<CheckpointRow>("SELECT seq, hash, created, key_version, signature FROM audit_checkpoints ORDER BY seq", null, ct))
            .Select(r => new AuditCheckpoint(r.Seq, HexOrEmpty(r.Hash), AuditChain.ParseTime(r.Created), (int)r.KeyVersion, HexOrEmpty(r.Signature)))];

    /// <summary>
    /// Master key rotation: every checkpoint is verified with <paramref name="verifier"/> (old and new versions) and
    /// signed again with <paramref name="signer"/>'s current version, in one transaction. Refuses, changing nothing,
    /// if any checkpoint does not verify: rotation must not launder a tampered log.
    /// </summary>
    public async Task<int> ResignCheckpointsAsync(AuditCheckpointSigner verifier, AuditCheckpointSigner signer, CancellationToken ct)
    {
        var checkpoints = await ReadCheckpointsAsync(ct);
        foreach (var cp in checkpoints)
            if (!verifier.Verify(cp)) throw new Enamel.Core.Errors.ConflictException($"audit checkpoint at entry {cp.Sequence} does not verify; run enamel audit verify before rotating");
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        foreach (var cp in checkpoints)
        {
            var again = signer.Sign(cp.Sequence, cp.Hash, cp.Created);
            await SqlDb.ExecuteAsync(c, tx, "UPDATE audit_checkpoints SET key_version = @v, signature = @sig WHERE seq = @seq", ct,
                ("@v", (long)again.KeyVersion), ("@sig", Convert.ToHexStringLower(again.Signature)), ("@seq", cp.Sequence));
        }
        await tx.CommitAsync(ct);
        return checkpoints.Count;
    }

    /// <summary>Tampered rows may hold anything: a malformed hash reads as empty (and fails verification) rather than throwing.</summary>
    private static byte[] HexOrEmpty(string hex)
    {
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return []; }
    }
}
