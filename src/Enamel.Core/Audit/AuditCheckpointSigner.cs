using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Enamel.Core.Audit;

/// <summary>
/// Signs checkpoints with HMAC-SHA256 under a key derived (HKDF-SHA256, info "enamel audit checkpoint v1") from the
/// master key. Chosen over ECDSA because the master key already is the vault's one protected secret (owner-only file,
/// never in the database): someone who can rewrite the audit table but does not hold the master key cannot forge a
/// checkpoint. The trade-off: only a holder of the master key can verify; an auditor verifies with `enamel audit verify`
/// on the server. Each checkpoint records the master key version it was signed under, so rotation keeps old ones checkable
/// while that version is kept.
/// </summary>
public sealed class AuditCheckpointSigner
{
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("enamel audit checkpoint v1");
    private readonly IReadOnlyDictionary<int, byte[]> keys;
    private readonly int currentVersion;

    /// <param name="masterKeys">Master key versions (version → 256-bit key); the highest signs new checkpoints.</param>
    public AuditCheckpointSigner(IReadOnlyDictionary<int, byte[]> masterKeys)
    {
        if (masterKeys.Count == 0) throw new ArgumentException("at least one master key version is needed", nameof(masterKeys));
        keys = masterKeys.ToDictionary(k => k.Key, k => HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Value, 32, salt: [], info: Info));
        currentVersion = masterKeys.Keys.Max();
    }

    public AuditCheckpoint Sign(long sequence, byte[] hash, DateTimeOffset created) =>
        new(sequence, hash, created, currentVersion, HMACSHA256.HashData(keys[currentVersion], Message(sequence, hash, created)));

    public bool Verify(AuditCheckpoint checkpoint) =>
        keys.TryGetValue(checkpoint.KeyVersion, out var key)
        && CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Message(checkpoint.Sequence, checkpoint.Hash, checkpoint.Created)), checkpoint.Signature);

    private static byte[] Message(long sequence, byte[] hash, DateTimeOffset created)
    {
        var time = Encoding.UTF8.GetBytes(AuditChain.FormatTime(created));
        var message = new byte[8 + hash.Length + time.Length];
        BinaryPrimitives.WriteInt64BigEndian(message, sequence);
        hash.CopyTo(message, 8);
        time.CopyTo(message, 8 + hash.Length);
        return message;
    }
}
