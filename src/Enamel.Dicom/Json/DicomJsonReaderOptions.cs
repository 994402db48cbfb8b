namespace Enamel.Dicom;

/// <summary>Options for <see cref="DicomJsonReader"/> and <see cref="DicomXmlReader"/>.</summary>
public sealed record DicomJsonReaderOptions
{
    public static readonly DicomJsonReaderOptions Default = new();

    /// <summary>
    /// Resolves a BulkDataURI to the element's value (uri, tag, vr). When absent or when it returns null the element
    /// gets an empty <see cref="BulkDataUriValue"/> that keeps the URI.
    /// </summary>
    public Func<string, DicomTag, DicomVR, DicomValue?>? ResolveBulkData { get; init; }

    /// <summary>Deepest sequence nesting accepted (each level is an item inside a sequence).</summary>
    public int MaxSequenceDepth { get; init; } = 64;
}
