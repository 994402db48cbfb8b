using System.Data.Common;
using System.Globalization;
using Enamel.Core.Records;

namespace Enamel.Storage.Sql;

/// <summary>
/// <see cref="IRecordHistory"/> on the <c>record_versions</c> table (SQLite or PostgreSQL). Imaging versions are written by
/// <see cref="SqlStudyIndex"/> inside its own index transaction through <see cref="AppendAsync(DbConnection, DbTransaction, RecordKind, string, long, VersionNote, string, CancellationToken)"/>.
/// </summary>
public sealed class SqlRecordHistory(SqlDialect dialect) : IRecordHistory
{
    private readonly SqlDb db = new(dialect);

    public async Task<RecordVersion> AppendAsync(RecordRef item, VersionNote note, DateTimeOffset time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginAsync(ct);
        int number = await AppendAsync(c, tx, item.Kind, item.Id, item.PatientKey, note, SqlDb.Time(time), ct);
        await tx.CommitAsync(ct);
        return new RecordVersion(item, number, note.AuthorId, time, note.Reason, VersionStatus.Current);
    }

    public async Task<RecordVersion?> MarkAsync(RecordRef item, int number, VersionStatus status, StatusChange change, CancellationToken ct)
    {
        var from = status switch
        {
            VersionStatus.Superseded => $"'{RecordVersionsSchema.Current}'",
            VersionStatus.EnteredInError => $"'{RecordVersionsSchema.Current}', '{RecordVersionsSchema.Superseded}'",
            _ => throw new ArgumentException("a version can only be marked superseded or entered-in-error", nameof(status)),
        };
        int changed = await db.ExecuteAsync($"""
            UPDATE record_versions SET status = @status, status_author = @by, status_time = @at, status_reason = @why
            WHERE kind = @kind AND item_id = @id AND version_number = @n AND status IN ({from})
            """, ct, ("@status", Text(status)), ("@by", change.AuthorId), ("@at", SqlDb.Time(change.Time)), ("@why", change.Reason),
            ("@kind", item.Kind.Name), ("@id", item.Id), ("@n", number));
        return changed == 1 ? (await ReadAsync(item, ct)).Single(v => v.Number == number) : null;
    }

    public async Task<IReadOnlyList<RecordVersion>> ReadAsync(RecordRef item, CancellationToken ct) =>
        [.. (await db.ListAsync<VersionRow>("""
            SELECT version_number, author, recorded, reason, status, status_author, status_time, status_reason FROM record_versions
            WHERE kind = @kind AND item_id = @id ORDER BY version_number
            """, new { kind = item.Kind.Name, id = item.Id }, ct)).Select(r => new RecordVersion(item, (int)r.VersionNumber, r.Author, SqlDb.Time(r.Recorded), r.Reason, Status(r.Status))
            {
                Changed = r.StatusAuthor is null ? null : new StatusChange(r.StatusAuthor, SqlDb.Time(r.StatusTime!), r.StatusReason ?? ""),
            })];

    /// <summary>A record_versions row, mapped by column name.</summary>
    private sealed class VersionRow
    {
        public long VersionNumber { get; init; }
        public string Author { get; init; } = "";
        public string Recorded { get; init; } = "";
        public string Reason { get; init; } = "";
        public string Status { get; init; } = "";
        public string? StatusAuthor { get; init; }
        public string? StatusTime { get; init; }
        public string? StatusReason { get; init; }
    }

    /// <summary>
    /// Appends the next version inside the caller's transaction: the current version (if any) becomes superseded by it.
    /// Returns its number. A concurrent append of the same number fails on the unique (kind, item, number).
    /// </summary>
    internal static async Task<int> AppendAsync(DbConnection c, DbTransaction tx, RecordKind kind, string id, long patientKey, VersionNote note,
        string time, CancellationToken ct)
    {
        int number;
        await using (var max = SqlDb.Command(c, tx, "SELECT COALESCE(MAX(version_number), 0) FROM record_versions WHERE kind = @kind AND item_id = @id",
            ("@kind", kind.Name), ("@id", id)))
            number = Convert.ToInt32(await max.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) + 1;
        if (number > 1)
            await SqlDb.ExecuteAsync(c, tx, """
                UPDATE record_versions SET status = 'superseded', status_author = @by, status_time = @at, status_reason = @why
                WHERE kind = @kind AND item_id = @id AND status = 'current'
                """, ct, ("@by", note.AuthorId), ("@at", time), ("@why", $"superseded by version {number}"), ("@kind", kind.Name), ("@id", id));
        await InsertAsync(c, tx, kind, id, patientKey, number, note, time, RecordVersionsSchema.Current, ct);
        return number;
    }

    /// <summary>Inserts one version row as it is (the first version of a new item: no lookup needed).</summary>
    internal static Task<int> InsertAsync(DbConnection c, DbTransaction tx, RecordKind kind, string id, long patientKey, int number, VersionNote note,
        string time, string status, CancellationToken ct) =>
        SqlDb.ExecuteAsync(c, tx, """
            INSERT INTO record_versions (kind, item_id, patient_key, version_number, author, recorded, reason, status)
            VALUES (@kind, @id, @patient, @n, @author, @at, @reason, @status)
            """, ct, ("@kind", kind.Name), ("@id", id), ("@patient", patientKey), ("@n", number), ("@author", note.AuthorId), ("@at", time),
            ("@reason", note.Reason), ("@status", status));

    private static string Text(VersionStatus status) => status switch
    {
        VersionStatus.Current => RecordVersionsSchema.Current,
        VersionStatus.Superseded => RecordVersionsSchema.Superseded,
        VersionStatus.EnteredInError => RecordVersionsSchema.EnteredInError,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private static VersionStatus Status(string text) => text switch
    {
        RecordVersionsSchema.Current => VersionStatus.Current,
        RecordVersionsSchema.Superseded => VersionStatus.Superseded,
        RecordVersionsSchema.EnteredInError => VersionStatus.EnteredInError,
        _ => throw new InvalidDataException($"record_versions: unknown status '{text}'"),
    };
}
