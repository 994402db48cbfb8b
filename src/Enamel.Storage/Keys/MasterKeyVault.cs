using Enamel.Core.Keys;

namespace Enamel.Storage.Keys;

/// <summary>The master key file and the keyring it wraps, as the rotation verb's port.</summary>
public sealed class MasterKeyVault(MasterKeyFile master, FileKeyring keyring, TimeProvider time) : IMasterKeyVault
{
    public int CurrentVersion => master.CurrentVersion;

    public IReadOnlyDictionary<int, byte[]> Versions() => master.Versions.ToDictionary(v => v, master.Get);

    public Task<int> AddVersionAndRewrapAsync(CancellationToken ct) => keyring.RotateMasterKeyAsync(ct, retire: false);

    public void RetireOldVersions() => master.Retire(time);
}
