namespace Enamel.Core.Keys;

/// <summary>
/// The master key and its versions, as <see cref="RotateMasterKey"/> needs them: add a version and re-wrap every data key
/// under it (blobs untouched), read every version's key material (the keys derived from it seal MFA secrets and sign
/// audit checkpoints), and retire the old versions once nothing depends on them.
/// </summary>
public interface IMasterKeyVault
{
    int CurrentVersion { get; }

    /// <summary>Every version's 256-bit key, by version.</summary>
    IReadOnlyDictionary<int, byte[]> Versions();

    /// <summary>Adds a new version and re-wraps every data key under it; the old versions stay until <see cref="RetireOldVersions"/>. Returns the number of data keys re-wrapped.</summary>
    Task<int> AddVersionAndRewrapAsync(CancellationToken ct);

    void RetireOldVersions();
}
