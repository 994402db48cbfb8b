using System.Diagnostics;

namespace Enamel.Dicom.Tests.Peers;

/// <summary>Runs peer tools (dcmtk, gdcm, dicom3tools, pydicom) for interop tests; a missing tool fails the test with the package to install.</summary>
public static class MainPeers
{
    public const string Python = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(Locate(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Locate(string tool)
    {
        if (Path.IsPathRooted(tool))
            return File.Exists(tool) ? tool : throw new InvalidOperationException($"{tool} is missing: apt-get install python3-pydicom (see .ci/run)");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"peer tool '{tool}' is not installed: apt-get install dcmtk libgdcm-tools dicom3tools (see .ci/run)");
    }
}
