using System.Diagnostics;

namespace Enamel.Dicom.Tests.Peers;

/// <summary>Runs peer tools (dcmtk, gdcm, pydicom) found on PATH; a missing tool fails the test with a clear message.</summary>
public static class PeerTools
{
    /// <summary>Debian's Python, where python3-pydicom and python3-numpy load (the python3 first on PATH may lack them).</summary>
    public const string Python = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>The full path of <paramref name="tool"/>, searched on PATH unless it is already a path.</summary>
    public static string Locate(string tool)
    {
        if (tool.Contains('/')) return File.Exists(tool) ? tool : throw Missing(tool);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw Missing(tool);
    }

    public static Result Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Locate(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {timeout ?? TimeSpan.FromSeconds(60)}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the tool and fails unless it exits with 0.</summary>
    public static Result RunChecked(string tool, params string[] args)
    {
        var result = Run(tool, args);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {result.ExitCode}: {result.StdErr}{result.StdOut}");
        return result;
    }

    private static FileNotFoundException Missing(string tool) =>
        new($"peer tool '{tool}' is not installed or not on PATH; install it (dcmtk / libgdcm-tools) to run this test", tool);
}
