namespace Enamel.Core.Audit;

/// <summary>
/// The append-only, hash-chained audit trail. There is no update or delete; <see cref="AuditVerifier"/> proves that
/// nobody went around this port to change the table.
/// </summary>
public interface IAuditLog
{
    Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken ct);

    /// <summary>Entries in sequence order, from <paramref name="fromSequence"/> on.</summary>
    IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence, CancellationToken ct);

    /// <summary>Signs the current end of the chain (also done automatically every so many entries).</summary>
    Task<AuditCheckpoint?> CheckpointAsync(CancellationToken ct);

    Task<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(CancellationToken ct);

    /// <summary>Entries matching <paramref name="query"/>, oldest first, at most its limit. The SQL store filters in the database.</summary>
    async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        var matches = new List<AuditRecord>();
        await foreach (var record in ReadAsync(query.AfterSequence + 1, ct))
        {
            if (!query.Matches(record)) continue;
            matches.Add(record);
            if (matches.Count >= Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit)) break;
        }
        return matches;
    }
}
