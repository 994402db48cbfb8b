using System.Diagnostics;

namespace Enamel.Dicom.Tests.Json;

/// <summary>Runs pydicom (in /usr/bin/python3, the interpreter that has it) as the reference peer; fails clearly when it is missing.</summary>
internal static class Pydicom
{
    private const string Python = "/usr/bin/python3";

    /// <summary>pydicom's Dataset.to_json_dict() of a file, everything inline (no bulk data handler), as JSON text.</summary>
    public static string ToJsonDict(string path)
    {
        const string script = """
            import sys, json, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            sys.stdout.write(json.dumps(ds.to_json_dict(bulk_data_threshold=1 << 40)))
            """;
        return Run(script, path);
    }

    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"peer missing: {Python} (with pydicom 2.x) is required for this test");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONWARNINGS"] = "ignore";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Python}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill();
            throw new TimeoutException("pydicom did not finish within 2 minutes");
        }
        if (p.ExitCode != 0)
        {
            var err = stderr.Result;
            if (err.Contains("No module named 'pydicom'", StringComparison.Ordinal))
                throw new InvalidOperationException($"peer missing: pydicom is not installed for {Python}");
            throw new InvalidOperationException($"pydicom failed (exit {p.ExitCode}): {err}");
        }
        return stdout;
    }
}
