using Amazon.S3;
using Amazon.S3.Model;

namespace Enamel.Storage.Blobs;

/// <summary>A seekable read-only view of an S3 object through ranged GETs, with a read-ahead window.</summary>
internal sealed class S3RangeStream(IAmazonS3 client, string bucket, string key, long length) : Stream
{
    private const int Window = 1 << 20;
    private byte[] buffer = [];
    private long bufferStart = -1;
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] destination, int offset, int count) => Read(destination.AsSpan(offset, count));

    public override int Read(Span<byte> destination)
    {
        if (position >= length || destination.Length == 0) return 0;
        if (bufferStart < 0 || position < bufferStart || position >= bufferStart + buffer.Length) Fill(position, Math.Max(destination.Length, Window));
        int within = (int)(position - bufferStart);
        int n = Math.Min(destination.Length, buffer.Length - within);
        buffer.AsSpan(within, n).CopyTo(destination);
        position += n;
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

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        _ => length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] b, int offset, int count) => throw new NotSupportedException();
}
