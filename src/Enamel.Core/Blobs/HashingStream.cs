using System.Security.Cryptography;
using Enamel.Dicom;

namespace Enamel.Core.Blobs;

/// <summary>
/// Counts every byte read through it and hashes the content with SHA-256 from byte <paramref name="hashFrom"/> on
/// (a stored instance hashes its dataset only; a document hashes everything), the hash written with
/// <paramref name="prefix"/>. Reading past <paramref name="maxBytes"/> throws <see cref="ContentTooLargeException"/>.
/// </summary>
internal sealed class HashingStream(Stream inner, long hashFrom = 0, string prefix = "", long maxBytes = long.MaxValue) : ForwardOnlyReadStream
{
    private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public string Hash() => prefix + Convert.ToHexStringLower(sha.GetHashAndReset());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n = await inner.ReadAsync(buffer, ct);
        Append(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        Append(buffer.AsSpan(offset, n));
        return n;
    }

    private void Append(ReadOnlySpan<byte> read)
    {
        long skip = Math.Clamp(hashFrom - BytesRead, 0, read.Length);
        sha.AppendData(read[(int)skip..]);
        BytesRead += read.Length;
        if (BytesRead > maxBytes) throw new ContentTooLargeException(maxBytes);
    }
}

/// <summary>Uploaded content over its limit (nothing of it is kept).</summary>
public sealed class ContentTooLargeException(long limit) : Exception($"the content is larger than {limit} bytes")
{
    public long Limit { get; } = limit;
}
