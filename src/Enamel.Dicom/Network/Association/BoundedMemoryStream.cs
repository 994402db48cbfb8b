namespace Enamel.Dicom.Network;

/// <summary>A memory sink for identifiers that refuses to grow past a limit.</summary>
internal sealed class BoundedMemoryStream(int limit) : MemoryStream
{
    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Length + count > limit) throw new DicomNetworkException($"identifier larger than the limit of {limit} bytes");
        base.Write(buffer, offset, count);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Parses the collected bytes as a data set in the given transfer syntax.</summary>
    public DicomDataset ToDataset(DicomTransferSyntax syntax)
    {
        var ds = new DicomDataset();
        Position = 0;
        new DicomParser(new DicomInput(this), DicomReadOptions.Default, null).ParseDataset(ds, syntax);
        return ds;
    }
}
