namespace Enamel.Dicom;

/// <summary>How binary values are emitted by <see cref="DicomJsonWriter"/> and <see cref="DicomXmlWriter"/>.</summary>
public sealed record DicomJsonWriterOptions
{
    public static readonly DicomJsonWriterOptions Default = new();

    /// <summary>
    /// Called for each binary value (OB, OD, OF, OL, OV, OW, UN, encapsulated pixel data) longer than
    /// <see cref="InlineThreshold"/> with the element's path ("7FE00010", or "00081140/0/00081155" inside sequences,
    /// items counted from 0) and the element; a non-null result is written as BulkDataURI, null inlines the value.
    /// </summary>
    public Func<string, DicomElement, string?>? BulkDataUri { get; init; }

    /// <summary>Binary values of at most this many bytes are always written inline (InlineBinary).</summary>
    public long InlineThreshold { get; init; } = 1024;

    /// <summary>Indent the output (JSON only; XML is always indented).</summary>
    public bool Indented { get; init; }
}
