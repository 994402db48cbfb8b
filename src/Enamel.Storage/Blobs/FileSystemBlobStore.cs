using System.Runtime.CompilerServices;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Blobs;

/// <summary>
/// Encrypted blobs in a folder: blobs/ab/cd/abcd….enb. A blob is written to tmp/, fsynced, renamed into place,
/// and its folder fsynced before <see cref="PutAsync"/> returns, so an acknowledged blob survives a crash and a
/// half-written one is never visible under its final name.
/// </summary>
public sealed class FileSystemBlobStore(string root, IKeyring keyring) : IBlobStore
{
    private string BlobsDir => Path.Combine(root, "blobs");
    private string TmpDir => Path.Combine(root, "tmp");

    public async Task<BlobId> PutAsync(Stream plaintext, DataKeyId keyId, CancellationToken ct)
    {
        var id = BlobId.New();
        Directory.CreateDirectory(TmpDir);
        var tmp = Path.Combine(TmpDir, id.Value + ".part");
        var key = await keyring.UnwrapAsync(keyId, ct);
        try
        {
            // Unbuffered and synchronous: the encryptor writes about 1 MiB at a time (BlobEncryptor).
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                await BlobEncryptor.EncryptAsync(plaintext, fs, key, id, keyId, ct);
                fs.Flush(flushToDisk: true);
            }
            var final = PathOf(id);
            var dir = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(dir);
            File.Move(tmp, final);
            DirectorySync.Fsync(dir);
            return id;
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
    }

    public async Task<Stream> OpenReadAsync(BlobId id, CancellationToken ct)
    {
        var path = PathOf(id);
        if (!File.Exists(path)) throw new FileNotFoundException($"blob {id} does not exist");
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        try
        {
            var header = new byte[BlobFormat.HeaderLength];
            if (fs.Length < header.Length) throw new BlobCorruptException($"blob {id} is truncated inside its header");
            fs.ReadExactly(header);
            var format = BlobFormat.Parse(header);
            var key = await keyring.UnwrapAsync(format.KeyId, ct);
            try { return new DecryptingBlobStream(fs, key); }
            finally { System.Security.Cryptography.CryptographicOperations.ZeroMemory(key); }
        }
        catch
        {
            await fs.DisposeAsync();
            throw;
        }
    }

    public Task<bool> ExistsAsync(BlobId id, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(id)));

    public Task DeleteAsync(BlobId id, CancellationToken ct)
    {
        File.Delete(PathOf(id));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!Directory.Exists(BlobsDir)) yield break;
        foreach (var path in Directory.EnumerateFiles(BlobsDir, "*.enb", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileNameWithoutExtension(path);
            if (BlobId.IsValid(name)) yield return new BlobInfo(new BlobId(name), File.GetLastWriteTimeUtc(path));
            await Task.Yield();
        }
    }

    /// <summary>
    /// Whether a blob could be written now: a probe file is created, fsynced and removed in the store's temporary folder
    /// (where a crash's leftovers are cleaned at start), the same path every write takes first.
    /// </summary>
    public bool CanWrite()
    {
        try
        {
            Directory.CreateDirectory(TmpDir);
            var probe = Path.Combine(TmpDir, "ready-" + Guid.NewGuid().ToString("N") + ".part");
            using (var fs = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                fs.WriteByte(0);
                fs.Flush(flushToDisk: true);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes half-written blobs left by a crash (called at start-up, before serving); with <paramref name="writtenBefore"/>
    /// only those last written before it, so a writer still busy on another process keeps its file.
    /// </summary>
    public int RemoveIncompleteWrites(DateTimeOffset? writtenBefore = null)
    {
        if (!Directory.Exists(TmpDir)) return 0;
        int n = 0;
        foreach (var f in Directory.EnumerateFiles(TmpDir, "*.part"))
        {
            if (writtenBefore is { } cutoff && File.GetLastWriteTimeUtc(f) > cutoff.UtcDateTime) continue;
            File.Delete(f);
            n++;
        }
        return n;
    }

    private string PathOf(BlobId id)
    {
        if (!BlobId.IsValid(id.Value)) throw new ArgumentException($"'{id.Value}' is not a blob id", nameof(id));
        return Path.Combine(BlobsDir, id.Value[..2], id.Value[2..4], id.Value + ".enb");
    }
}
