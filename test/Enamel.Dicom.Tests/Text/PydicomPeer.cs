using System.Diagnostics;
using System.Text.Json;

namespace Enamel.Dicom.Tests.Text;

/// <summary>
/// Runs pydicom (in /usr/bin/python3) as the peer for character set tests. A missing peer fails the test with a
/// message saying so; it never passes silently.
/// </summary>
internal static class PydicomPeer
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Writes each case with pydicom's encoder, reads it back with pydicom, prints the decoded text values as JSON.</summary>
    private const string Script = """
        import json, sys, warnings
        import pydicom
        from pydicom.dataset import Dataset, FileMetaDataset
        from pydicom.uid import ExplicitVRLittleEndian

        warnings.simplefilter("ignore")

        def text_values(ds, prefix=""):
            out = {}
            for elem in ds:
                key = prefix + "%08X" % int(elem.tag)
                if elem.VR == "SQ":
                    for i, item in enumerate(elem.value):
                        out.update(text_values(item, key + "[%d]>" % i))
                elif elem.VR in ("PN", "LO", "SH", "LT", "ST", "UT", "UC") and elem.value not in (None, ""):
                    v = elem.value
                    out[key] = [str(x) for x in v] if isinstance(v, pydicom.multival.MultiValue) else str(v)
            return out

        def write(case, path):
            ds = Dataset()
            ds.SpecificCharacterSet = case["charset"]
            for keyword, value in case["values"].items():
                setattr(ds, keyword, value)
            ds.file_meta = FileMetaDataset()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
            ds.file_meta.MediaStorageSOPInstanceUID = "1.2.3.4"
            ds.is_little_endian = True
            ds.is_implicit_VR = False
            ds.save_as(path, write_like_original=False)

        command = sys.argv[1]
        if command == "write":
            cases = json.load(open(sys.argv[2], encoding="utf-8"))
            for case in cases:
                write(case, case["path"])
            print(json.dumps([text_values(pydicom.dcmread(case["path"])) for case in cases]))
        elif command == "read":
            print(json.dumps([text_values(pydicom.dcmread(p)) for p in sys.argv[2:]]))
        elif command == "charset-files":
            print(json.dumps(sorted(pydicom.data.get_charset_files("*.dcm"))))
        """;

    /// <summary>Per file: element path ("00100010", "00081110[0]>00100010") to a string or a list of strings.</summary>
    public static List<Dictionary<string, JsonElement>> Write(IReadOnlyList<PeerCase> cases, string dir)
    {
        var json = JsonSerializer.Serialize(cases.Select(c => new { path = c.Path, charset = c.Charset, values = c.Values }));
        var input = Path.Combine(dir, "cases.json");
        File.WriteAllText(input, json);
        return Parse(Run(dir, "write", input));
    }

    public static List<Dictionary<string, JsonElement>> Read(string dir, IEnumerable<string> paths) =>
        Parse(Run(dir, ["read", .. paths]));

    /// <summary>The sample files with national character sets that ship with pydicom (David Clunie's charset test set).</summary>
    public static string[] CharsetFiles(string dir) =>
        JsonSerializer.Deserialize<string[]>(Run(dir, "charset-files")) ?? [];

    private static List<Dictionary<string, JsonElement>> Parse(string output) =>
        JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(output) ?? [];

    private static string Run(string dir, params string[] args)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"peer missing: {Python} (with pydicom) is required for this test");
        var script = Path.Combine(dir, "peer.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException("pydicom peer did not finish in 2 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"pydicom peer failed (exit {process.ExitCode}); is pydicom installed for {Python}? {stderr.Result}");
        return stdout;
    }
}

/// <summary>One dataset for the peer: Specific Character Set values and attribute keyword to a string or string[].</summary>
internal sealed record PeerCase(string Path, string[] Charset, Dictionary<string, object> Values);
