using Microsoft.Win32.SafeHandles;

namespace Enamel.Dicom;

/// <summary>Where deferred values live: a file or a seekable stream, read by absolute offset.</summary>
public interface IRandomAccessSource
{
    long Length { get; }
    void ReadExactly(long offset, Span<byte> destination);
}

/// <summary>A file opened for random access; thread-safe positional reads.</summary>
public sealed class FileRandomAccessSource : IRandomAccessSource, IDisposable
{
    private readonly SafeFileHandle handle;

    public FileRandomAccessSource(string path)
    {
        handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(handle);
        Path = path;
    }

    public string Path { get; }
    public long Length { get; }

    /// <summary>A sequential view of the file through this source's handle (no second open); dispose it, not the handle.</summary>
    internal Stream OpenStream() => new FileSourceStream(handle, Length);

    public void ReadExactly(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int n = RandomAccess.Read(handle, destination, offset);
            if (n <= 0) throw new EndOfStreamException($"{Path} ended at byte {offset}; it may have been truncated after it was opened");
            destination = destination[n..];
            offset += n;
        }
    }

    public void Dispose() => handle.Dispose();
}

/// <summary>A seekable stream used as a random-access source (positional reads are serialised).</summary>
public sealed class StreamRandomAccessSource(Stream stream) : IRandomAccessSource
{
    private readonly Lock gate = new();
    public long Length => stream.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        lock (gate)
        {
            stream.Position = offset;
            stream.ReadExactly(destination);
        }
    }
}
