namespace Enamel.Core.Audit;

/// <summary>The verifier's finding: intact, or the first sequence number where the trail was tampered with and how.</summary>
public sealed record AuditVerification(bool Intact, long? Position, string Message, long EntriesChecked, long LastSignedSequence)
{
    /// <summary>Entries after the last checkpoint: chained but not yet signed.</summary>
    public long UnsignedEntries => EntriesChecked - LastSignedSequence;
}
