using System.Security.Cryptography;

namespace Enamel.Core.Audit;

/// <summary>
/// Walks the whole trail and says where it was tampered with. A changed field, a swapped or reordered row or an
/// inserted row breaks that entry's hash; a deleted row leaves a gap in the sequence; a rewritten chain (hashes
/// recomputed by someone who knows the algorithm) disagrees with the next signed checkpoint; a cut-off end leaves
/// checkpoints past the last entry.
/// </summary>
public sealed class AuditVerifier(AuditCheckpointSigner signer)
{
    public async Task<AuditVerification> VerifyAsync(IAuditLog log, CancellationToken ct)
    {
        var checkpoints = await log.ReadCheckpointsAsync(ct);
        foreach (var cp in checkpoints)
            if (!signer.Verify(cp)) return Tampered(cp.Sequence, $"checkpoint at entry {cp.Sequence} has an invalid signature", 0, 0);
        var bySequence = checkpoints.GroupBy(c => c.Sequence).ToDictionary(g => g.Key, g => g.ToList());

        long expected = 1, lastSigned = 0, previousCheckpoint = 0;
        byte[] previous = AuditChain.Genesis;
        await foreach (var record in log.ReadAsync(1, ct))
        {
            if (record.Sequence > expected)
                return Tampered(expected, record.Sequence == expected + 1
                    ? $"entry {expected} is missing (deleted)"
                    : $"entries {expected} to {record.Sequence - 1} are missing (deleted)", expected - 1, lastSigned);
            if (record.Sequence < expected)
                return Tampered(record.Sequence, $"entry {record.Sequence} appears twice or out of order", expected - 1, lastSigned);
            var hash = AuditChain.Hash(previous, record.Sequence, record.Event);
            if (!CryptographicOperations.FixedTimeEquals(hash, record.Hash))
                return Tampered(record.Sequence, $"entry {record.Sequence} does not match its hash (changed, swapped or inserted)", expected - 1, lastSigned);
            if (bySequence.TryGetValue(record.Sequence, out var cps))
            {
                if (cps.Any(cp => !CryptographicOperations.FixedTimeEquals(cp.Hash, hash)))
                    return Tampered(previousCheckpoint + 1,
                        $"entries {previousCheckpoint + 1} to {record.Sequence} were rewritten (chain disagrees with the signed checkpoint at entry {record.Sequence})",
                        expected - 1, lastSigned);
                lastSigned = previousCheckpoint = record.Sequence;
            }
            previous = hash;
            expected++;
        }
        long count = expected - 1;
        if (checkpoints.Count > 0 && checkpoints.Max(c => c.Sequence) > count)
            return Tampered(expected, $"entries from {expected} on are missing: a signed checkpoint covers entry {checkpoints.Max(c => c.Sequence)}", count, lastSigned);
        return new AuditVerification(true, null, $"{count} entries intact; {lastSigned} covered by signed checkpoints", count, lastSigned);
    }

    private static AuditVerification Tampered(long position, string message, long checkedCount, long lastSigned) =>
        new(false, position, message, checkedCount, lastSigned);
}
