using Amazon.S3;
using Amazon.S3.Model;
using Enamel.Dicom;

namespace Enamel.Storage.Blobs;

/// <summary>A seekable read-only view of an S3 object through ranged GETs, with a read-ahead window.</summary>
internal sealed class S3RangeStream(IAmazonS3 client, string bucket, string key, long length) : SeekableReadStream
{
    private const int Window = 1 << 20;
    private byte[] buffer = [];
    private long bufferStart = -1;

    public override long Length => length;

    protected override int ReadAt(long offset, Span<byte> destination)
    {
        if (bufferStart < 0 || offset < bufferStart || offset >= bufferStart + buffer.Length) Fill(offset, Math.Max(destination.Length, Window));
        int within = (int)(offset - bufferStart);
        int n = Math.Min(destination.Length, buffer.Length - within);
        buffer.AsSpan(within, n).CopyTo(destination);
        return n;
    }

    private void Fill(long start, int size)
    {
        long end = Math.Min(length, start + size) - 1;
        using var response = client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(start, end) })
            .GetAwaiter().GetResult();
        var data = new byte[end - start + 1];
        response.ResponseStream.ReadExactly(data);
        buffer = data;
        bufferStart = start;
    }
}
