namespace Enamel.Dicom.Network;

/// <summary>
/// Receives a C-STORE data set straight into a temporary Part 10 file through an <see cref="IDicomSpool"/>: preamble
/// and File Meta Information are written first from the command and the presentation context, then the data set bytes
/// as they arrive. The object is never held whole in memory and never re-encoded.
/// </summary>
internal static class Part10Sink
{
    public static SpoolSink Create(string directory, IDicomSpool spool, DicomDataset command, DicomTransferSyntax syntax, string sourceAe)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".part");
        var file = spool.Create(path);
        try
        {
            var meta = new DicomDataset();
            meta.SetUInt32(DicomTags.FileMetaInformationGroupLength, 0);
            meta.SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 });
            meta.SetString(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, command.GetString(DicomTags.AffectedSOPClassUID) ?? "");
            meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, command.GetString(DicomTags.AffectedSOPInstanceUID) ?? "");
            meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
            meta.SetString(DicomTags.ImplementationClassUID, DicomVR.UI, DicomImplementation.ClassUid);
            meta.SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomImplementation.VersionName);
            if (sourceAe.Length > 0) meta.SetString(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, sourceAe);
            file.Write(new byte[128]);
            file.Write("DICM"u8);
            new DicomWriter(file, DicomTransferSyntax.ExplicitVRLittleEndian).Write(meta);
            return new SpoolSink(file, path, spool);
        }
        catch
        {
            file.Dispose();
            spool.Delete(path);
            throw;
        }
    }

    /// <summary>Closes the sink and removes its file (used when the transfer failed, so nothing partial is kept).</summary>
    public static void Discard(Stream? sink)
    {
        if (sink is not SpoolSink spooled) { sink?.Dispose(); return; }
        try { spooled.Dispose(); } // a spool that seals on close may fail here (disk full): the file goes anyway
        catch (IOException) { }
        try { spooled.Spool.Delete(spooled.Path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The write side of one spooled object: the spool's stream, and the file it goes to.</summary>
internal sealed class SpoolSink(Stream inner, string path, IDicomSpool spool) : Stream
{
    public string Path => path;
    public IDicomSpool Spool => spool;
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
