using Enamel.Core.Keys;

namespace Enamel.Core.Blobs;

/// <summary>
/// Immutable, encrypted blob storage. Keys are opaque (never UIDs or names). A blob is durable when
/// <see cref="PutAsync"/> returns: its bytes are written and synced before the caller records it.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes a new blob encrypted under the data key <paramref name="keyId"/>; returns its opaque id.</summary>
    Task<BlobId> PutAsync(Stream plaintext, DataKeyId keyId, CancellationToken ct);

    /// <summary>Opens a blob for reading; the stream is seekable and decrypts only the segments it touches.</summary>
    Task<Stream> OpenReadAsync(BlobId id, CancellationToken ct);

    Task<bool> ExistsAsync(BlobId id, CancellationToken ct);

    Task DeleteAsync(BlobId id, CancellationToken ct);

    /// <summary>Every stored blob with the time it was written (for orphan sweeps and verification).</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken ct);
}

public sealed record BlobInfo(BlobId Id, DateTimeOffset Written);

/// <summary>An opaque blob identifier: 128 random bits as 32 lowercase hex digits.</summary>
public readonly record struct BlobId(string Value)
{
    public static BlobId New()
    {
        Span<byte> b = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(b);
        return new BlobId(Convert.ToHexStringLower(b));
    }

    public static bool IsValid(string value) => value.Length == 32 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public override string ToString() => Value;
}
