using System.Security.Cryptography;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;

namespace Enamel.Storage.Crypto;

/// <summary>Encrypts a plaintext stream into the segmented blob format, one segment in memory at a time.</summary>
internal static class BlobEncryptor
{
    public static async Task<long> EncryptAsync(Stream plaintext, Stream output, ReadOnlyMemory<byte> dataKey, BlobId blobId, DataKeyId keyId,
        CancellationToken ct, int segmentLog2 = BlobFormat.DefaultSegmentLog2)
    {
        var format = BlobFormat.CreateNew(blobId, keyId, segmentLog2);
        var key = format.DeriveKey(dataKey.Span);
        using var aes = new AesGcm(key, BlobFormat.TagLength);
        CryptographicOperations.ZeroMemory(key);
        await output.WriteAsync(format.Header, ct);

        int size = format.SegmentLength;
        var current = new byte[size];
        var next = new byte[size];
        var cipher = new byte[size + BlobFormat.TagLength];
        var nonce = new byte[12];
        int currentLength = await FillAsync(plaintext, current, ct);
        long index = 0, total = 0;
        while (true)
        {
            // Read ahead one segment to know whether the current one is final.
            int nextLength = currentLength == size ? await FillAsync(plaintext, next, ct) : 0;
            bool final = nextLength == 0;
            format.Nonce(index, final, nonce);
            aes.Encrypt(nonce, current.AsSpan(0, currentLength), cipher.AsSpan(0, currentLength),
                cipher.AsSpan(currentLength, BlobFormat.TagLength), format.Header);
            await output.WriteAsync(cipher.AsMemory(0, currentLength + BlobFormat.TagLength), ct);
            total += currentLength;
            if (final) break;
            (current, next) = (next, current);
            currentLength = nextLength;
            index++;
        }
        CryptographicOperations.ZeroMemory(current);
        CryptographicOperations.ZeroMemory(next);
        return total;
    }

    private static async Task<int> FillAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = await s.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
