using System.CommandLine;
using Enamel.Dicom;

namespace Enamel.Cli.Dicom;

/// <summary>Query keys and information model options of find/move/get (findscu-like: -k, -P, -S, --level).</summary>
internal sealed class QueryCliOptions
{
    public readonly Option<string[]> Keys = new("-k", "--key") { Description = "query key gggg,eeee=value or keyword=value (repeatable)", AllowMultipleArgumentsPerToken = false };
    public readonly Option<bool> PatientRoot = new("-P", "--patient") { Description = "patient root information model" };
    public readonly Option<bool> StudyRoot = new("-S", "--study") { Description = "study root information model (default)" };
    public readonly Option<string?> Level = new("--level") { Description = "Query/Retrieve Level: PATIENT, STUDY, SERIES, IMAGE" };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Keys, PatientRoot, StudyRoot, Level }) cmd.Options.Add(o);
    }

    /// <summary>The SOP class for a service ("find", "move", "get") under the chosen root.</summary>
    public string SopClass(ParseResult p, string service)
    {
        bool patient = p.GetValue(PatientRoot);
        return (patient, service) switch
        {
            (true, "find") => DicomUids.PatientRootQueryRetrieveInformationModelFind.Value,
            (true, "move") => DicomUids.PatientRootQueryRetrieveInformationModelMove.Value,
            (true, _) => DicomUids.PatientRootQueryRetrieveInformationModelGet.Value,
            (false, "find") => DicomUids.StudyRootQueryRetrieveInformationModelFind.Value,
            (false, "move") => DicomUids.StudyRootQueryRetrieveInformationModelMove.Value,
            _ => DicomUids.StudyRootQueryRetrieveInformationModelGet.Value,
        };
    }

    public DicomDataset Identifier(ParseResult p)
    {
        var ds = new DicomDataset();
        if (p.GetValue(Level) is { } level) ds.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level.ToUpperInvariant());
        foreach (var k in p.GetValue(Keys) ?? [])
        {
            int eq = k.IndexOf('=');
            var name = eq < 0 ? k : k[..eq];
            var value = eq < 0 ? "" : k[(eq + 1)..];
            var tag = ResolveTag(name) ?? throw new ArgumentException($"unknown query key '{name}': use gggg,eeee or a keyword");
            ds.SetString(tag, DicomDictionary.DefaultVR(tag), value.Length == 0 ? [] : value.Split('\\'));
        }
        if (!ds.Contains(DicomTags.QueryRetrieveLevel)) ds.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, p.GetValue(PatientRoot) ? "PATIENT" : "STUDY");
        return ds;
    }

    private static DicomTag? ResolveTag(string name) => DicomTag.TryParse(name, out var tag) ? tag : null;
}
