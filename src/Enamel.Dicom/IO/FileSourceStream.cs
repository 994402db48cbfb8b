using Microsoft.Win32.SafeHandles;

namespace Enamel.Dicom;

/// <summary>
/// A read-only, seekable stream over a file handle it does not own (positional reads), so opening a file for
/// parsing costs one open: the parser streams through the same handle that later serves deferred values.
/// </summary>
internal sealed class FileSourceStream(SafeFileHandle handle, long length) : SeekableReadStream
{
    public override long Length => length;

    protected override int ReadAt(long offset, Span<byte> destination) => RandomAccess.Read(handle, destination, offset);
}
