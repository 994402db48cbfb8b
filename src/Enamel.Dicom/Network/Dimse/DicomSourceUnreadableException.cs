namespace Enamel.Dicom.Network;

/// <summary>
/// Thrown by a retrieve source (<see cref="DicomObjectSource.OpenAsync"/>) whose object cannot be read at all; the
/// sub-operation counts as failed and <see cref="Comment"/> (at most 64 characters, no patient data) becomes the Error
/// Comment (0000,0902) of the C-GET or C-MOVE final response.
/// </summary>
public sealed class DicomSourceUnreadableException(string comment, Exception? inner = null) : Exception(comment, inner)
{
    public string Comment { get; } = comment.Length <= 64 ? comment : comment[..64];
}
