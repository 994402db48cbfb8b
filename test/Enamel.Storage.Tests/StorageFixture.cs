using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;

namespace Enamel.Storage.Tests;

/// <summary>A throwaway data folder with a master key, keyring and filesystem blob store.</summary>
public sealed class StorageFixture : IDisposable
{
    public StorageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "enamel-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Master = MasterKeyFile.OpenOrCreate(Path.Combine(Root, "master.key"), TimeProvider.System);
        Keyring = new FileKeyring(Path.Combine(Root, "keys"), Master, TimeProvider.System);
        Blobs = new FileSystemBlobStore(Path.Combine(Root, "store"), Keyring);
    }

    public string Root { get; }
    public MasterKeyFile Master { get; }
    public FileKeyring Keyring { get; }
    public FileSystemBlobStore Blobs { get; }

    public string BlobPath(Core.Blobs.BlobId id) =>
        Path.Combine(Root, "store", "blobs", id.Value[..2], id.Value[2..4], id.Value + ".enb");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
