using System.Diagnostics;

namespace Enamel.Dicom.Tests.Peers;

/// <summary>Runs peer tools (dcmtk, gdcm, pydicom). A missing tool fails the test with a clear message; it never passes silently.</summary>
public static class PeerTools
{
    public const string PythonPath = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public Result EnsureSuccess(string what)
        {
            if (ExitCode != 0) throw new InvalidOperationException($"{what} exited with {ExitCode}: {StdErr}{StdOut}");
            return this;
        }
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH, or an exception naming the missing peer.</summary>
    public static string Locate(string tool)
    {
        if (Path.IsPathRooted(tool))
            return File.Exists(tool) ? tool : throw new InvalidOperationException($"peer tool {tool} is not installed");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException($"peer tool '{tool}' is not on PATH; install it (dcmtk, gdcm or pydicom) to run this test");
    }

    public static Result Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Locate(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in time");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(string tool, params string[] args) => Run(tool, args, null);

    /// <summary>Runs the tool and fails unless it exits with 0.</summary>
    public static Result RunChecked(string tool, params string[] args) => Run(tool, args).EnsureSuccess($"{tool} {string.Join(' ', args)}");

    /// <summary>Runs a Python script with the system interpreter (the one that has pydicom and numpy).</summary>
    public static Result Python(string script, TimeSpan? timeout = null) => Run(PythonPath, ["-c", script], timeout);
}
