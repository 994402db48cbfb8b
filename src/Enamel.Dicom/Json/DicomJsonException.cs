namespace Enamel.Dicom;

/// <summary>Invalid DICOM JSON (PS3.18 Annex F) input: says what is wrong and where, as a JSON path like $["00081140"].Value[0]["00081155"].vr.</summary>
public sealed class DicomJsonException(string problem, string path, Exception? inner = null)
    : Exception($"{problem} at {path}", inner)
{
    public string Problem { get; } = problem;
    public string Path { get; } = path;
}
