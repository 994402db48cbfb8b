namespace Enamel.Core.Records;

/// <summary>
/// The versions of every item (port; SQL in Storage). Append-only: a new version supersedes the current one, a version can
/// be marked superseded or entered-in-error, and nothing is updated in place or deleted. Imaging stores write their
/// versions inside their own index transaction; other domains append here.
/// </summary>
public interface IRecordHistory
{
    /// <summary>Appends the next version of <paramref name="item"/> (number = last + 1) as current; the version current until now becomes superseded.</summary>
    Task<RecordVersion> AppendAsync(RecordRef item, VersionNote note, DateTimeOffset time, CancellationToken ct);

    /// <summary>
    /// Marks version <paramref name="number"/> superseded or entered-in-error. Only forward: current → superseded or
    /// entered-in-error, superseded → entered-in-error. Null when there is no such version or it cannot take that status.
    /// </summary>
    Task<RecordVersion?> MarkAsync(RecordRef item, int number, VersionStatus status, StatusChange change, CancellationToken ct);

    /// <summary>Every version of <paramref name="item"/>, oldest first (empty when none was recorded).</summary>
    Task<IReadOnlyList<RecordVersion>> ReadAsync(RecordRef item, CancellationToken ct);
}
