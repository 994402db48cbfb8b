namespace Enamel.Core.Audit;

/// <summary>Checkpoint maintenance the master-key rotation needs (the audit trail itself is <see cref="IAuditLog"/>).</summary>
public interface IAuditCheckpoints
{
    /// <summary>
    /// Verifies every checkpoint with <paramref name="verifier"/> and signs it again with <paramref name="signer"/>'s
    /// current version, in one transaction; a checkpoint that does not verify raises <see cref="Errors.ConflictException"/>
    /// and changes nothing. Returns the number re-signed.
    /// </summary>
    Task<int> ResignCheckpointsAsync(AuditCheckpointSigner verifier, AuditCheckpointSigner signer, CancellationToken ct);
}
