using System.Buffers;
using System.Security.Cryptography;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;

namespace Enamel.Storage.Crypto;

/// <summary>
/// Encrypts a plaintext stream into the segmented blob format, one segment of plaintext in memory at a time (and the one
/// read ahead to know which is final). Sealed segments are gathered into one pooled buffer of about 1 MiB and written
/// with one synchronous call per buffer: on Linux every asynchronous file write is a hop through the thread pool, and
/// per 64 KiB segment those hops and syscalls cost more than the encryption (see bench/README.md, "Where the CPU went").
/// </summary>
internal static class BlobEncryptor
{
    private const int WriteBuffer = 1 << 20;

    public static async Task<long> EncryptAsync(Stream plaintext, Stream output, ReadOnlyMemory<byte> dataKey, BlobId blobId, DataKeyId keyId,
        CancellationToken ct, int segmentLog2 = BlobFormat.DefaultSegmentLog2)
    {
        var format = BlobFormat.CreateNew(blobId, keyId, segmentLog2);
        var key = format.DeriveKey(dataKey.Span);
        using var aes = new AesGcm(key, BlobFormat.TagLength);
        CryptographicOperations.ZeroMemory(key);
        output.Write(format.Header);

        int size = format.SegmentLength, stored = size + BlobFormat.TagLength;
        var pool = ArrayPool<byte>.Shared;
        var current = pool.Rent(size);
        var next = pool.Rent(size);
        var sealedSegments = pool.Rent(Math.Max(WriteBuffer, stored));
        int capacity = sealedSegments.Length / stored * stored, used = 0;
        var nonce = new byte[12];
        try
        {
            int currentLength = await FillAsync(plaintext, current, size, ct);
            long index = 0, total = 0;
            while (true)
            {
                // Read ahead one segment to know whether the current one is final.
                int nextLength = currentLength == size ? await FillAsync(plaintext, next, size, ct) : 0;
                bool final = nextLength == 0;
                format.Nonce(index, final, nonce);
                aes.Encrypt(nonce, current.AsSpan(0, currentLength), sealedSegments.AsSpan(used, currentLength),
                    sealedSegments.AsSpan(used + currentLength, BlobFormat.TagLength), format.Header);
                used += currentLength + BlobFormat.TagLength;
                total += currentLength;
                if (final || used + stored > capacity)
                {
                    output.Write(sealedSegments, 0, used);
                    used = 0;
                }
                if (final) break;
                (current, next) = (next, current);
                currentLength = nextLength;
                index++;
            }
            return total;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(current.AsSpan(0, size));
            CryptographicOperations.ZeroMemory(next.AsSpan(0, size));
            pool.Return(current);
            pool.Return(next);
            pool.Return(sealedSegments);
        }
    }

    private static async Task<int> FillAsync(Stream s, byte[] buffer, int size, CancellationToken ct)
    {
        int filled = 0;
        while (filled < size)
        {
            int n = await s.ReadAsync(buffer.AsMemory(filled, size - filled), ct);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
