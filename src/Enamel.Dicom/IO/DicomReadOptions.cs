namespace Enamel.Dicom;

/// <summary>Limits and choices for reading. Every limit is checked before anything is allocated.</summary>
public sealed record DicomReadOptions
{
    public static readonly DicomReadOptions Default = new();

    /// <summary>Values at least this long stay in a seekable source as ranges instead of being loaded.</summary>
    public int LargeValueThreshold { get; init; } = 64 * 1024;

    /// <summary>Longest value accepted (defined lengths above it are refused as absurd).</summary>
    public long MaxValueLength { get; init; } = 0xFFFFFFFE;

    /// <summary>Deepest nesting of sequences accepted (protects against nesting bombs).</summary>
    public int MaxSequenceDepth { get; init; } = 64;

    /// <summary>Most elements accepted in the whole object (protects against element floods).</summary>
    public int MaxElementCount { get; init; } = 10_000_000;

    /// <summary>
    /// Most bytes a deflated dataset (PS3.5 A.5) may inflate to. Inflated values cannot stay in the file as ranges,
    /// so this bounds the memory one deflated object can cost; a larger one is refused with
    /// <see cref="DicomLimitExceededException"/> as soon as the inflater passes the limit, before it is buffered.
    /// </summary>
    public long MaxInflatedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// For a structural read: large values (at least <see cref="LargeValueThreshold"/>) that cannot stay ranges of the
    /// source (inflated from a deflated dataset, or from an unseekable stream) are read through and not kept, so the
    /// read's memory does not grow with them; their length is known, reading their bytes throws.
    /// </summary>
    public bool SkipUnaddressableLargeValues { get; init; }

    /// <summary>Stop before this tag at the top level (e.g. Pixel Data for a header-only parse).</summary>
    public DicomTag? StopBeforeTag { get; init; }

    /// <summary>Header-only parse: stop at Pixel Data.</summary>
    public static readonly DicomReadOptions HeaderOnly = new() { StopBeforeTag = DicomTags.PixelData };
}
