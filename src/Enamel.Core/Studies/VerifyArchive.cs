using Enamel.Core.Blobs;

namespace Enamel.Core.Studies;

/// <summary>
/// One stored instance that cannot be read, and why (no patient data: UIDs, offsets, tags and sizes only);
/// <see cref="Kind"/> is <see cref="Errors.ErrorKind.Corrupt"/> for a defect, <see cref="Errors.ErrorKind.Gone"/> when its
/// data key was destroyed (disposed at the end of retention), or the kind its store raised.
/// </summary>
public sealed record IntegrityFinding(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string Reason,
    Errors.ErrorKind Kind = Errors.ErrorKind.Corrupt);

/// <summary>
/// Checks every stored instance the way ingest checks a new one (<see cref="InstanceIntegrity"/>): the blob decrypts
/// and authenticates, and the object inside is whole. Objects stored before the check existed, or damaged since, are
/// reported for the clinic to act on (send again from the modality, or restore from a backup); nothing is changed.
/// </summary>
public sealed class VerifyArchive(IStudyIndex index, IBlobStore blobs, IngestLimits limits)
{
    public sealed record Progress(long Checked, long Unreadable);

    public async IAsyncEnumerable<IntegrityFinding> RunAsync(Action<Progress>? progress,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long done = 0, bad = 0;
        await foreach (var instance in index.ListAllInstancesAsync(ct))
        {
            string? reason;
            var kind = Errors.ErrorKind.Corrupt;
            try
            {
                await using var stream = await blobs.OpenReadAsync(instance.Blob.Id, ct);
                reason = InstanceIntegrity.Check(stream, limits);
            }
            catch (Errors.EnamelException ex)
            {
                reason = $"{ex.Code}: {ex.Message}";
                kind = ex.Kind;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A missing, damaged or disposed blob (its store's own error kinds), reported by type and message.
                reason = $"{ex.GetType().Name}: {ex.Message}";
            }
            done++;
            if (reason is not null)
            {
                bad++;
                yield return new IntegrityFinding(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid, reason, kind);
            }
            progress?.Invoke(new Progress(done, bad));
        }
    }
}
