using Enamel.Core.Blobs;
using Enamel.Core.Errors;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// A stored instance as a C-GET / C-MOVE source. A data key destroyed, or a blob that fails its integrity check (a GCM
/// tag that does not verify, in any segment), fails that one sub-operation with a clear Error Comment
/// (<see cref="DimseErrors.Comment"/>) and a failed count, and the others go on: listing maps the error of the header's
/// read, and the send opens the object whole before its C-STORE-RQ goes out (a message is never cut short mid-data set).
/// </summary>
internal static class RetrieveSource
{
    public static DicomObjectSource For(IBlobStore blobs, BlobId blob, string name) =>
        new(name, ct => OpenAsync(blobs, blob, ct)) { OpenToSendAsync = ct => OpenWholeAsync(blobs, blob, ct) };

    /// <summary>For listing (only the header is read): errors surface on the read that meets them, as <see cref="DicomSourceUnreadableException"/>.</summary>
    private static async ValueTask<Stream> OpenAsync(IBlobStore blobs, BlobId blob, CancellationToken ct)
    {
        try { return new UnreadableAsSource(await blobs.OpenReadAsync(blob, ct)); }
        catch (EnamelException e) { throw new DicomSourceUnreadableException(DimseErrors.Comment(e), e); }
    }

    /// <summary>Every segment authenticated before anything is sent (<see cref="WholeBlobs"/>).</summary>
    private static async ValueTask<Stream> OpenWholeAsync(IBlobStore blobs, BlobId blob, CancellationToken ct)
    {
        try { return new UnreadableAsSource(await blobs.OpenWholeAsync(blob, ct)); }
        catch (EnamelException e) { throw new DicomSourceUnreadableException(DimseErrors.Comment(e), e); }
    }

    /// <summary>A read-only view that turns Core's error kinds met while reading into the toolkit's "source unreadable".</summary>
    private sealed class UnreadableAsSource(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try { return inner.Read(buffer); }
            catch (EnamelException e) { throw new DicomSourceUnreadableException(DimseErrors.Comment(e), e); }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try { return await inner.ReadAsync(buffer, cancellationToken); }
            catch (EnamelException e) { throw new DicomSourceUnreadableException(DimseErrors.Comment(e), e); }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
