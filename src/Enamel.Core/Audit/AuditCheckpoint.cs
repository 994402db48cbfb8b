namespace Enamel.Core.Audit;

/// <summary>A signed statement "the chain up to <see cref="Sequence"/> ends in <see cref="Hash"/>" (see <see cref="AuditCheckpointSigner"/>).</summary>
public sealed record AuditCheckpoint(long Sequence, byte[] Hash, DateTimeOffset Created, int KeyVersion, byte[] Signature);
