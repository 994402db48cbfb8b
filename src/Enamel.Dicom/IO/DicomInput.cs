using System.Buffers;
using System.Buffers.Binary;

namespace Enamel.Dicom;

/// <summary>
/// Buffered forward reader over a stream with absolute positions. For seekable streams large values can be
/// skipped (and read later by position); for others they are read in chunks, so memory follows the bytes that
/// actually arrive, never a declared length. The buffer is rented from the shared pool and returned on dispose.
/// </summary>
internal sealed class DicomInput : IDisposable
{
    private const int ChunkSize = 1 << 20;
    private readonly Stream stream;
    private byte[] buffer;
    private int start, end;
    private int readAhead = 4 * 1024;
    private long bufferBase; // absolute position of buffer[0]

    public DicomInput(Stream stream, long basePosition = 0, int bufferSize = 64 * 1024)
    {
        this.stream = stream;
        buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        CanSeek = stream.CanSeek;
        bufferBase = CanSeek ? stream.Position : basePosition;
        Length = CanSeek ? stream.Length : -1;
    }

    public bool CanSeek { get; }
    /// <summary>Total length in the stream's coordinates, or -1 when unknown.</summary>
    public long Length { get; }
    public long Position => bufferBase + start;
    public bool BigEndian { get; set; }

    /// <summary>Bytes known to remain, or long.MaxValue when unknown.</summary>
    public long Remaining => Length >= 0 ? Length - Position : long.MaxValue;

    /// <summary>Makes at least <paramref name="count"/> bytes available; false at end of input.</summary>
    public bool TryEnsure(int count)
    {
        if (end - start >= count) return true;
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            bufferBase += start;
            end -= start;
            start = 0;
        }
        while (end < count)
        {
            int n = ReadSource();
            if (n <= 0) return false;
            end += n;
        }
        return true;
    }

    private int ReadSource()
    {
        // Read-ahead starts small (a header-only parse needs a few KB) and doubles up to the whole buffer.
        // (Corrupt deflate data is turned into a DicomFormatException by the parser's inflating wrapper.)
        int n = stream.Read(buffer, end, Math.Min(buffer.Length - end, readAhead));
        readAhead = Math.Min(readAhead * 2, buffer.Length);
        return n;
    }

    /// <summary>Returns the buffer to the pool; the input must not be used afterwards.</summary>
    public void Dispose()
    {
        var b = buffer;
        buffer = [];
        start = end = 0;
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }

    /// <summary>The next <paramref name="count"/> buffered bytes; callers make them available with <see cref="TryEnsure"/> first.</summary>
    public ReadOnlySpan<byte> Peek(int count) => count <= end - start
        ? buffer.AsSpan(start, count)
        : throw new InvalidOperationException($"peeked {count} bytes with only {end - start} buffered (a reader bug: TryEnsure first)");

    public void Advance(int count) => start += count;

    public ushort ReadUInt16()
    {
        var v = BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start)) : BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(start));
        start += 2;
        return v;
    }

    public uint ReadUInt32()
    {
        var v = BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(start)) : BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(start));
        start += 4;
        return v;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into a new array; false (nothing consumed beyond what arrived) when input ends first.</summary>
    public bool TryReadBytes(long count, out byte[] result)
    {
        result = [];
        if (count == 0) return true;
        if (count <= buffer.Length)
        {
            if (!TryEnsure((int)count)) return false;
            result = buffer.AsSpan(start, (int)count).ToArray();
            start += (int)count;
            return true;
        }
        if (count > Array.MaxLength) return false;
        if (count <= Remaining && Length >= 0)
        {
            // The stream's length is known and covers the value: allocate once and read the rest straight into it.
            var bytes = GC.AllocateUninitializedArray<byte>((int)count);
            int buffered = end - start;
            buffer.AsSpan(start, buffered).CopyTo(bytes);
            bufferBase += end;
            start = end = 0;
            int filled = buffered;
            while (filled < bytes.Length)
            {
                int n = stream.Read(bytes, filled, bytes.Length - filled);
                if (n <= 0) { bufferBase += filled - buffered; return false; }
                filled += n;
            }
            bufferBase += filled - buffered;
            result = bytes;
            return true;
        }
        // Large and of unknown extent: grow as bytes arrive, so a lying length cannot force a big allocation.
        using var ms = new MemoryStream((int)Math.Min(count, ChunkSize));
        long left = count;
        while (left > 0)
        {
            if (!TryEnsure(1)) return false;
            int n = (int)Math.Min(left, end - start);
            ms.Write(buffer, start, n);
            start += n;
            left -= n;
        }
        result = ms.ToArray();
        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes (seeking when possible); false when input ends first.</summary>
    public bool TrySkip(long count)
    {
        long inBuffer = end - start;
        if (count <= inBuffer)
        {
            start += (int)count;
            return true;
        }
        if (CanSeek)
        {
            long target = Position + count;
            if (Length >= 0 && target > Length) return false;
            stream.Seek(target, SeekOrigin.Begin);
            bufferBase = target;
            start = end = 0;
            return true;
        }
        count -= inBuffer;
        start = end;
        while (count > 0)
        {
            if (!TryEnsure(1)) return false;
            int n = (int)Math.Min(count, end - start);
            start += n;
            count -= n;
        }
        return true;
    }

    /// <summary>The rest of the input as a stream (for deflated datasets): buffered bytes first, then the source.</summary>
    public Stream RemainderStream()
    {
        var head = new MemoryStream(buffer, start, end - start, writable: false);
        start = end;
        return new ConcatReadStream(head, stream);
    }
}
