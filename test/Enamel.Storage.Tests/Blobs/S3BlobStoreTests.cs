using System.Security.Cryptography;
using Enamel.Storage.Blobs;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Tests.Blobs;

/// <summary>The S3 blob store against a real S3 API (OpenStack Swift's s3api from Debian).</summary>
[Collection(SwiftCollection.Name)]
public sealed class S3BlobStoreTests(SwiftS3Server swift) : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly StorageFixture fixture = new();

    private async Task<S3BlobStore> CreateAsync()
    {
        var store = new S3BlobStore(new S3BlobStoreOptions
        {
            ServiceUrl = swift.ServiceUrl,
            Bucket = "enamel-" + Guid.NewGuid().ToString("N")[..12],
            AccessKey = SwiftS3Server.AccessKey,
            SecretKey = SwiftS3Server.SecretKey,
        }, fixture.Keyring, Path.Combine(fixture.Root, "s3tmp"));
        await store.EnsureBucketAsync(Ct);
        return store;
    }

    [Fact]
    public async Task PutThenRangeRead_ReturnsSameBytes_AndListsTheBlob()
    {
        using var store = await CreateAsync();
        var key = await fixture.Keyring.CreateDataKeyAsync(Ct);
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);
        var id = await store.PutAsync(new MemoryStream(data), key, Ct);

        await using (var s = await store.OpenReadAsync(id, Ct))
        {
            Assert.Equal(data.Length, s.Length);
            s.Position = 2_000_003;
            var part = new byte[70_000];
            s.ReadExactly(part);
            Assert.Equal(data.AsSpan(2_000_003, 70_000).ToArray(), part);
            s.Position = 0;
            var all = new MemoryStream();
            await s.CopyToAsync(all);
            Assert.Equal(data, all.ToArray());
        }
        var listed = new List<Core.Blobs.BlobId>();
        await foreach (var b in store.ListAsync(Ct)) listed.Add(b.Id);
        Assert.Equal([id], listed);
        Assert.True(await store.ExistsAsync(id, Ct));
        await store.DeleteAsync(id, Ct);
        Assert.False(await store.ExistsAsync(id, Ct));
        Assert.Empty(Directory.GetFiles(Path.Combine(fixture.Root, "s3tmp")));
    }

    [Fact]
    public async Task Read_WrongKeyring_FailsAuthentication()
    {
        using var store = await CreateAsync();
        var key = await fixture.Keyring.CreateDataKeyAsync(Ct);
        var id = await store.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), key, Ct);
        await fixture.Keyring.DestroyAsync(key, Ct);
        await Assert.ThrowsAsync<Core.Keys.KeyDestroyedException>(() => store.OpenReadAsync(id, Ct));
    }

    [Fact]
    public async Task Read_MissingBlob_IsFileNotFound()
    {
        using var store = await CreateAsync();
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync(Core.Blobs.BlobId.New(), Ct));
    }

    public void Dispose() => fixture.Dispose();
}
