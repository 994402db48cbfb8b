namespace Enamel.Dicom.Tests.IO;

/// <summary>A stream that cannot seek (like a network socket) and optionally hands out at most one byte per Read.</summary>
internal sealed class ForwardOnlyStream(byte[] data, int maxReadSize = int.MaxValue) : Stream
{
    private int position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("forward-only stream");
    public override long Position { get => throw new NotSupportedException("forward-only stream"); set => throw new NotSupportedException("forward-only stream"); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = Math.Min(Math.Min(count, maxReadSize), data.Length - position);
        Array.Copy(data, position, buffer, offset, n);
        position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("forward-only stream");
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A seekable stream that hands out one byte per Read.</summary>
internal sealed class OneByteAtATimeStream(byte[] data) : MemoryStream(data, writable: false)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
}
