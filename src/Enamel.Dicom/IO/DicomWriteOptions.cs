namespace Enamel.Dicom;

public sealed record DicomWriteOptions
{
    public static readonly DicomWriteOptions Default = new();

    /// <summary>Writes group length elements that the dataset holds with freshly computed values (true), or drops them (false). Meta (0002,0000) is always written and computed.</summary>
    public bool KeepGroupLengths { get; init; } = true;

    /// <summary>Force every sequence and item to defined (true) or undefined (false) length; null keeps each one's encoding from the source.</summary>
    public bool? DefinedLengthSequences { get; init; }

    /// <summary>Deflate compression level for the deflated transfer syntax.</summary>
    public System.IO.Compression.CompressionLevel DeflateLevel { get; init; } = System.IO.Compression.CompressionLevel.Optimal;
}
