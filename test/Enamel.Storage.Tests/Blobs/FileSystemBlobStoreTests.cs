using System.Security.Cryptography;
using Enamel.Core.Keys;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Tests.Blobs;

public class FileSystemBlobStoreTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task PutThenRead_AnyLength_ReturnsSameBytes(int length)
    {
        using var f = new StorageFixture();
        var key = await f.Keyring.CreateDataKeyAsync(Ct);
        var data = RandomNumberGenerator.GetBytes(length);
        var id = await f.Blobs.PutAsync(new MemoryStream(data), key, Ct);

        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        Assert.Equal(length, s.Length);
        var back = new MemoryStream();
        await s.CopyToAsync(back);
        Assert.Equal(data, back.ToArray());
        // At rest the bytes are not the plaintext.
        var stored = await File.ReadAllBytesAsync(f.BlobPath(id));
        Assert.True(length < 64 || stored.AsSpan().IndexOf(data.AsSpan(0, 64)) < 0);
    }

    [Fact]
    public async Task Read_RangeInTheMiddle_DecryptsOnlyThatRange()
    {
        using var f = new StorageFixture();
        var key = await f.Keyring.CreateDataKeyAsync(Ct);
        var data = RandomNumberGenerator.GetBytes(1_000_000);
        var id = await f.Blobs.PutAsync(new MemoryStream(data), key, Ct);
        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        s.Position = 700_001;
        var buf = new byte[5000];
        s.ReadExactly(buf);
        Assert.Equal(data.AsSpan(700_001, 5000).ToArray(), buf);
    }

    [Fact]
    public async Task Read_FlippedBit_ThrowsBlobCorrupt()
    {
        using var f = new StorageFixture();
        var id = await f.Blobs.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(200_000)), await f.Keyring.CreateDataKeyAsync(Ct), Ct);
        var path = f.BlobPath(id);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[100_000] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);
        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        var ex = Assert.Throws<BlobCorruptException>(() => s.CopyTo(Stream.Null));
        Assert.Contains("segment 1", ex.Message);
    }

    [Fact]
    public async Task Read_TruncatedAtSegmentBoundary_ThrowsBlobCorrupt()
    {
        using var f = new StorageFixture();
        var id = await f.Blobs.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(3 * 65536 + 10)), await f.Keyring.CreateDataKeyAsync(Ct), Ct);
        var path = f.BlobPath(id);
        var bytes = await File.ReadAllBytesAsync(path);
        // Drop the final (short) segment: what remains are whole segments, none marked final.
        await File.WriteAllBytesAsync(path, bytes.AsSpan(0, 64 + 3 * (65536 + 16)).ToArray());
        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        Assert.Throws<BlobCorruptException>(() => s.CopyTo(Stream.Null));
    }

    [Fact]
    public async Task Read_SegmentsSwapped_ThrowsBlobCorrupt()
    {
        using var f = new StorageFixture();
        var id = await f.Blobs.PutAsync(new MemoryStream(RandomNumberGenerator.GetBytes(4 * 65536)), await f.Keyring.CreateDataKeyAsync(Ct), Ct);
        var path = f.BlobPath(id);
        var bytes = await File.ReadAllBytesAsync(path);
        int seg = 65536 + 16;
        var first = bytes.AsSpan(64, seg).ToArray();
        bytes.AsSpan(64 + seg, seg).CopyTo(bytes.AsSpan(64, seg));
        first.CopyTo(bytes.AsSpan(64 + seg, seg));
        await File.WriteAllBytesAsync(path, bytes);
        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        Assert.Throws<BlobCorruptException>(() => s.CopyTo(Stream.Null));
    }

    [Fact]
    public async Task Read_AfterKeyDestroyed_ThrowsKeyDestroyed()
    {
        using var f = new StorageFixture();
        var key = await f.Keyring.CreateDataKeyAsync(Ct);
        var id = await f.Blobs.PutAsync(new MemoryStream([1, 2, 3]), key, Ct);
        await f.Keyring.DestroyAsync(key, Ct);
        await Assert.ThrowsAsync<KeyDestroyedException>(() => f.Blobs.OpenReadAsync(id, Ct));
    }

    [Fact]
    public async Task RotateMasterKey_RewrapsKeys_BlobsStillReadableAndUntouched()
    {
        using var f = new StorageFixture();
        var key = await f.Keyring.CreateDataKeyAsync(Ct);
        var data = RandomNumberGenerator.GetBytes(100_000);
        var id = await f.Blobs.PutAsync(new MemoryStream(data), key, Ct);
        var storedBefore = await File.ReadAllBytesAsync(f.BlobPath(id));
        int oldVersion = f.Master.CurrentVersion;

        int rewrapped = await f.Keyring.RotateMasterKeyAsync(Ct);

        Assert.Equal(1, rewrapped);
        Assert.Equal([oldVersion + 1], f.Master.Versions);
        Assert.Equal(storedBefore, await File.ReadAllBytesAsync(f.BlobPath(id)));
        await using var s = await f.Blobs.OpenReadAsync(id, Ct);
        var back = new MemoryStream();
        await s.CopyToAsync(back);
        Assert.Equal(data, back.ToArray());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void MasterKeyFile_IsOwnerOnly()
    {
        using var f = new StorageFixture();
        var mode = File.GetUnixFileMode(f.Master.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void MasterKeyFile_ReadableByOthers_IsRefused()
    {
        using var f = new StorageFixture();
        File.SetUnixFileMode(f.Master.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var ex = Assert.Throws<CryptographicException>(() => Keys.MasterKeyFile.Open(f.Master.Path));
        Assert.Contains("chmod 600", ex.Message);
    }

    [Fact]
    public async Task Put_StreamFailsMidway_LeavesNothingVisible()
    {
        using var f = new StorageFixture();
        var key = await f.Keyring.CreateDataKeyAsync(Ct);
        await Assert.ThrowsAsync<IOException>(() => f.Blobs.PutAsync(new FailingStream(300_000), key, Ct));
        var ids = new List<Core.Blobs.BlobId>();
        await foreach (var b in f.Blobs.ListAsync(Ct)) ids.Add(b.Id);
        Assert.Empty(ids);
        Assert.Equal(0, f.Blobs.RemoveIncompleteWrites());
    }

    private sealed class FailingStream(int failAfter) : Stream
    {
        private int read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (read >= failAfter) throw new IOException("client went away");
            int n = Math.Min(count, failAfter - read);
            read += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
