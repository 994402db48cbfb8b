namespace Enamel.Dicom;

/// <summary>Malformed DICOM input: says what is wrong, at which byte offset, and under which tag path.</summary>
public class DicomFormatException : Exception
{
    public DicomFormatException(string problem, long offset, string tagPath, Exception? inner = null)
        : base(Describe(problem, offset, tagPath), inner)
    {
        Problem = problem;
        Offset = offset;
        TagPath = tagPath;
    }

    public string Problem { get; }
    public long Offset { get; }
    /// <summary>Where in the dataset, e.g. "(0008,1140)[2]>(0008,1155)".</summary>
    public string TagPath { get; }

    private static string Describe(string problem, long offset, string path) =>
        path.Length == 0 ? $"{problem} at byte {offset}" : $"{problem} in {path} at byte {offset}";
}

/// <summary>
/// Input that may be well formed but exceeds a configured limit (<see cref="DicomReadOptions"/>): a deflated dataset
/// inflating past <see cref="DicomReadOptions.MaxInflatedBytes"/>, for example. Reading more input does not help.
/// </summary>
public sealed class DicomLimitExceededException(string problem, long offset, string tagPath)
    : DicomFormatException(problem, offset, tagPath);

/// <summary>A text value that cannot be decoded in, or encoded to, its declared character set (e.g. invalid UTF-8).</summary>
public sealed class DicomTextException(string message, DicomTag tag, Exception? inner = null)
    : Exception($"{message} in {tag}", inner)
{
    public DicomTag Tag { get; } = tag;
}
