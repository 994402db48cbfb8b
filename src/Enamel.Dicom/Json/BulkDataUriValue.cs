namespace Enamel.Dicom;

/// <summary>
/// A value that was given only as a BulkDataURI (PS3.18 F.2.6, PS3.19 A.1.5) and not resolved: it holds no bytes,
/// but keeps the URI so the caller can fetch it and the writers can emit the reference again.
/// </summary>
public sealed class BulkDataUriValue(string uri) : DicomValue
{
    public string Uri { get; } = uri;
    public override long Length => 0;
    public override bool IsDeferred => false;
    public override ReadOnlyMemory<byte> GetMemory() => ReadOnlyMemory<byte>.Empty;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset != 0 || destination.Length != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bulk data at {Uri} was not retrieved; the value holds no bytes");
    }
}
