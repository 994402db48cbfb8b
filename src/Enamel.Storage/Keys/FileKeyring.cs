using System.Buffers.Binary;
using System.Security.Cryptography;
using Enamel.Core.Keys;

namespace Enamel.Storage.Keys;

/// <summary>
/// Data keys wrapped with AES-256-GCM under a master key version, one small file each
/// (version ‖ nonce ‖ wrapped key ‖ tag, the key id as associated data). Rotation re-wraps files; blobs are untouched.
/// </summary>
public sealed class FileKeyring(string directory, MasterKeyFile master, TimeProvider time) : IKeyring
{
    private const int WrappedLength = 4 + 12 + 32 + 16;

    public async Task<DataKeyId> CreateDataKeyAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var id = DataKeyId.New();
        var key = RandomNumberGenerator.GetBytes(32);
        try { await WriteWrappedAsync(id, key, ct); }
        finally { CryptographicOperations.ZeroMemory(key); }
        // Durable before a blob is written under it: a blob whose key file a crash took would be lost.
        Blobs.DirectorySync.Fsync(directory);
        return id;
    }

    public async Task<byte[]> UnwrapAsync(DataKeyId id, CancellationToken ct)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) throw new KeyDestroyedException(id);
        var wrapped = await File.ReadAllBytesAsync(path, ct);
        if (wrapped.Length != WrappedLength) throw new CryptographicException($"wrapped data key {id} is damaged");
        int version = BinaryPrimitives.ReadInt32BigEndian(wrapped);
        var key = new byte[32];
        using var aes = new AesGcm(master.Get(version), 16);
        aes.Decrypt(wrapped.AsSpan(4, 12), wrapped.AsSpan(16, 32), wrapped.AsSpan(48, 16), key, id.Value.ToByteArray());
        return key;
    }

    public Task DestroyAsync(DataKeyId id, CancellationToken ct)
    {
        var path = PathOf(id);
        if (File.Exists(path))
        {
            // Overwrite before unlinking; the guarantee rests on the key existing nowhere else (backups hold wrapped keys only under rotation policy).
            var size = new FileInfo(path).Length;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
            {
                fs.Write(RandomNumberGenerator.GetBytes((int)size));
                fs.Flush(flushToDisk: true);
            }
            File.Delete(path);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Adds a master key version (durably, <see cref="MasterKeyFile"/>) and re-wraps every data key under it (each file
    /// written beside, fsynced, renamed; the folder fsynced at the end); then, when <paramref name="retire"/>, removes the
    /// old versions (callers first re-seal anything else derived from them). Returns how many keys were re-wrapped.
    /// </summary>
    public async Task<int> RotateMasterKeyAsync(CancellationToken ct, bool retire = true)
    {
        master.AddVersion(time);
        int count = 0;
        if (Directory.Exists(directory))
        {
            foreach (var path in Directory.EnumerateFiles(directory, "*.key"))
            {
                var id = new DataKeyId(Guid.ParseExact(Path.GetFileNameWithoutExtension(path), "N"));
                var key = await UnwrapAsync(id, ct);
                try { await WriteWrappedAsync(id, key, ct); }
                finally { CryptographicOperations.ZeroMemory(key); }
                count++;
            }
            // Every re-wrapped file durable before anything (the old versions' retirement) relies on it.
            Blobs.DirectorySync.Fsync(directory);
        }
        if (retire) master.Retire(time);
        return count;
    }

    private async Task WriteWrappedAsync(DataKeyId id, byte[] key, CancellationToken ct)
    {
        var wrapped = new byte[WrappedLength];
        BinaryPrimitives.WriteInt32BigEndian(wrapped, master.CurrentVersion);
        RandomNumberGenerator.Fill(wrapped.AsSpan(4, 12));
        using (var aes = new AesGcm(master.Current, 16))
            aes.Encrypt(wrapped.AsSpan(4, 12), key, wrapped.AsSpan(16, 32), wrapped.AsSpan(48, 16), id.Value.ToByteArray());
        var path = PathOf(id);
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var fs = new FileStream(tmp, options))
        {
            await fs.WriteAsync(wrapped, ct);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private string PathOf(DataKeyId id) => Path.Combine(directory, id.ToString() + ".key");
}
