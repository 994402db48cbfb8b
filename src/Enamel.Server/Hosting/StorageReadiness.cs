using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Server.Hosting;

/// <summary>
/// Whether this node can serve: the database answers with the current schema, the blob store takes a write, and the
/// master key file reads back with the version in use. Each check names only itself and a state, never a path, a
/// message or data. Composition's part of <c>/health/ready</c>: it knows the data folder's concrete stores, the endpoint
/// (Operations) does not.
/// </summary>
internal sealed class StorageReadiness(DataFolder folder)
{
    public async Task<IReadOnlyList<(string Check, bool Ok)>> CheckAsync(CancellationToken ct) =>
    [
        ("database", await SqlReadiness.IsCurrentAsync(folder.Index.Dialect, ct)),
        ("blobs", await BlobsReachableAsync(ct)),
        ("keys", KeysReadable()),
    ];

    /// <summary>The folder store takes a probe write; an S3 store answers a listing (the bucket is there and the keys work).</summary>
    private async Task<bool> BlobsReachableAsync(CancellationToken ct)
    {
        if (folder.Blobs is Enamel.Storage.Blobs.FileSystemBlobStore files) return files.CanWrite();
        try
        {
            await foreach (var _ in folder.Blobs.ListAsync(ct)) break;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    private bool KeysReadable()
    {
        try
        {
            var file = MasterKeyFile.Open(folder.Master.Path);
            var dataKeys = Path.Combine(folder.Root, "keys"); // made with the first patient's key
            if (Directory.Exists(dataKeys)) _ = Directory.EnumerateFiles(dataKeys).Take(1).Count(); // listable
            return file.Versions.Contains(folder.Master.CurrentVersion);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException
            or System.Text.Json.JsonException or FormatException)
        {
            return false;
        }
    }
}
