namespace Enamel.Dicom;

/// <summary>Invalid Native DICOM Model XML (PS3.19 Annex A) input: what is wrong, the tag path and the line.</summary>
public sealed class DicomXmlException(string problem, string path, int line, Exception? inner = null)
    : Exception(line > 0 ? $"{problem} at {(path.Length == 0 ? "NativeDicomModel" : path)} (line {line})" : $"{problem} at {path}", inner)
{
    public string Problem { get; } = problem;
    /// <summary>Where in the dataset, e.g. "(0008,1140)[1]>(0008,1155)" (items numbered as in the XML).</summary>
    public string Path { get; } = path;
    public int Line { get; } = line;
}
