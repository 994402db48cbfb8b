using Enamel.Dicom;
using System.Security.Cryptography;

namespace Enamel.Storage.Crypto;

/// <summary>
/// A read-only, seekable plaintext view of an encrypted blob. Reading a range decrypts (and authenticates)
/// only the segments it covers, so one frame of a CBCT is read without decrypting the whole object.
/// </summary>
internal sealed class DecryptingBlobStream : SeekableReadStream
{
    private readonly Stream stored;
    private readonly BlobFormat format;
    private readonly AesGcm aes;
    private readonly long storedLength;
    private readonly long segmentCount;
    private readonly byte[] segment;
    private readonly byte[] cipher;
    private long cachedIndex = -1;
    private int cachedLength;

    public DecryptingBlobStream(Stream stored, ReadOnlySpan<byte> dataKey)
    {
        if (!stored.CanSeek) throw new ArgumentException("the stored blob stream must be seekable", nameof(stored));
        this.stored = stored;
        storedLength = stored.Length;
        var header = new byte[BlobFormat.HeaderLength];
        stored.Position = 0;
        if (storedLength < BlobFormat.HeaderLength) throw new BlobCorruptException("blob is truncated inside its header");
        stored.ReadExactly(header);
        format = BlobFormat.Parse(header);
        Length = format.PlaintextLength(storedLength);
        segmentCount = format.SegmentCount(Length);
        var key = format.DeriveKey(dataKey);
        aes = new AesGcm(key, BlobFormat.TagLength);
        CryptographicOperations.ZeroMemory(key);
        segment = new byte[format.SegmentLength];
        cipher = new byte[format.StoredSegmentLength];
        if (Length == 0) LoadSegment(0); // authenticate the empty final segment
    }

    public Core.Keys.DataKeyId KeyId => format.KeyId;
    public override long Length { get; }

    protected override int ReadAt(long offset, Span<byte> destination)
    {
        int total = 0;
        while (destination.Length > 0 && offset < Length)
        {
            long index = offset / format.SegmentLength;
            int within = (int)(offset % format.SegmentLength);
            LoadSegment(index);
            int n = Math.Min(destination.Length, cachedLength - within);
            segment.AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            offset += n;
            total += n;
        }
        return total;
    }

    private void LoadSegment(long index)
    {
        if (index == cachedIndex) return;
        bool final = index == segmentCount - 1;
        int plainLength = final ? (int)(Length - index * format.SegmentLength) : format.SegmentLength;
        long at = BlobFormat.HeaderLength + index * format.StoredSegmentLength;
        stored.Position = at;
        var c = cipher.AsSpan(0, plainLength + BlobFormat.TagLength);
        stored.ReadExactly(c);
        Span<byte> nonce = stackalloc byte[12];
        format.Nonce(index, final, nonce);
        try
        {
            aes.Decrypt(nonce, c[..plainLength], c[plainLength..], segment.AsSpan(0, plainLength), format.Header);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            cachedIndex = -1;
            throw new BlobCorruptException($"segment {index} of blob {format.BlobId} failed authentication: the blob was altered, truncated or reordered, or the key is wrong", ex);
        }
        cachedIndex = index;
        cachedLength = plainLength;
    }



    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            aes.Dispose();
            stored.Dispose();
            CryptographicOperations.ZeroMemory(segment);
        }
        base.Dispose(disposing);
    }
}
