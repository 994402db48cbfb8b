namespace Enamel.Dicom;

/// <summary>A read-only, forward-only stream: subclasses supply <see cref="Read(byte[], int, int)"/> (and may override the async read).</summary>
public abstract class ForwardOnlyReadStream : Stream
{
    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only, seekable stream of known length: subclasses supply positional reads through <see cref="ReadAt"/>.</summary>
public abstract class SeekableReadStream : Stream
{
    private long position;

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/> (below <see cref="Length"/>); returns the count read.</summary>
    protected abstract int ReadAt(long offset, Span<byte> destination);

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => true;
    public sealed override bool CanWrite => false;

    public sealed override long Position
    {
        get => position;
        set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override int Read(Span<byte> destination)
    {
        if (position >= Length || destination.IsEmpty) return 0;
        int n = ReadAt(position, destination[..(int)Math.Min(destination.Length, Length - position)]);
        position += n;
        return n;
    }

    public sealed override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => position + offset,
        SeekOrigin.End => Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public sealed override void Flush() { }
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Reads <paramref name="first"/> to its end, then <paramref name="second"/> (e.g. bytes already consumed, then the rest of the input).</summary>
public sealed class ConcatReadStream(Stream first, Stream second) : ForwardOnlyReadStream
{
    private bool firstDone;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (!firstDone)
        {
            int n = first.Read(buffer, offset, count);
            if (n > 0) return n;
            firstDone = true;
        }
        return second.Read(buffer, offset, count);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (!firstDone)
        {
            int n = await first.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (n > 0) return n;
            firstDone = true;
        }
        return await second.ReadAsync(buffer, ct).ConfigureAwait(false);
    }
}
