namespace Enamel.Core.Audit;

/// <summary>An appended event: its position (1-based, gap-free) and its chain hash (SHA-256 over the previous hash and the canonical bytes).</summary>
public sealed record AuditRecord(long Sequence, AuditEvent Event, byte[] Hash);
