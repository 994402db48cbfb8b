using System.Globalization;
using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Core.Keys;
using Enamel.Core.Viewer;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Sql.Viewer;

/// <summary>
/// The viewer's annotations over SQLite or PostgreSQL (<see cref="IViewerAnnotationStore"/>, table <c>viewer_annotations</c>
/// of M0007): the set with its author sealed under the instance's data key (<see cref="FieldSealer"/>, associated data =
/// table, column, instance UID and version), so destroying the instance's key at disposal makes its annotations unreadable
/// too. A save is one transaction with its audit entry (<see cref="SqlUnitOfWork"/>); a version that moved meanwhile
/// writes nothing.
/// </summary>
public sealed class SqlViewerAnnotationStore(SqlDialect dialect, FieldSealer sealer, SqlUnitOfWork changes, TimeProvider time) : IViewerAnnotationStore
{
    private readonly SqlDb db = new(dialect);

    private sealed record Payload(AnnotationSet Set, string Author);

    internal static string Aad(string sop, long version) => $"viewer_annotations.sealed|{sop}|{version.ToString(CultureInfo.InvariantCulture)}";

    public async Task<StoredAnnotations?> GetAsync(string sopInstanceUid, DataKeyId dataKey, CancellationToken ct)
    {
        await using var lease = await db.OpenAsync(ct);
        await using var cmd = SqlDb.Command(lease.Connection, null, "SELECT version, updated, sealed FROM viewer_annotations WHERE sop_uid = @sop", ("@sop", sopInstanceUid));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        long version = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture);
        var updated = SqlDb.Time(r.GetString(1));
        var payload = JsonSerializer.Deserialize<Payload>(await sealer.OpenAsync(dataKey, Aad(sopInstanceUid, version), r.GetString(2), ct), ViewerAnnotations.Json)
            ?? throw new SealedFieldCorruptException("stored viewer annotations are empty");
        return new StoredAnnotations(payload.Set, (int)version, updated, payload.Author);
    }

    public async Task<StoredAnnotations?> PutAsync(string sopInstanceUid, DataKeyId dataKey, AnnotationSet set, int? expectedVersion, string authorId,
        AuditEvent audit, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var change = await changes.BeginAsync(ct);
        var c = await change.OpenAsync(ct);
        long? current;
        await using (var cmd = SqlDb.Command(c, change.Transaction, "SELECT version FROM viewer_annotations WHERE sop_uid = @sop", ("@sop", sopInstanceUid)))
            current = await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
        if (expectedVersion is { } expected && expected != (current ?? 0)) return null;
        long next = (current ?? 0) + 1;
        var sealedSet = await sealer.SealAsync(dataKey, Aad(sopInstanceUid, next), JsonSerializer.Serialize(new Payload(set, authorId), ViewerAnnotations.Json), ct);
        int written = current is null
            ? await SqlDb.ExecuteAsync(c, change.Transaction, "INSERT INTO viewer_annotations (sop_uid, version, updated, sealed) VALUES (@sop, @v, @at, @sealed)", ct,
                ("@sop", sopInstanceUid), ("@v", next), ("@at", SqlDb.Time(now)), ("@sealed", sealedSet))
            : await SqlDb.ExecuteAsync(c, change.Transaction, "UPDATE viewer_annotations SET version = @v, updated = @at, sealed = @sealed WHERE sop_uid = @sop AND version = @old", ct,
                ("@sop", sopInstanceUid), ("@v", next), ("@at", SqlDb.Time(now)), ("@sealed", sealedSet), ("@old", current.Value));
        if (written != 1) return null;
        await change.AuditAsync(audit, ct);
        await change.CommitAsync(ct);
        return new StoredAnnotations(set, (int)next, now, authorId);
    }
}
