using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Enamel.Server.Tests;

/// <summary>dcmtk peers for the archive's DIMSE tests; a missing tool fails with the package to install.</summary>
public static class Peers
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>
        /// The DIMSE statuses of the responses the tool logged with -v, in order: "Received Store Response (Success)",
        /// "Received Final Find Response (Unknown Status: 0x124)", "Received C-GET Response (Success)" → "Success", "Unknown Status: 0x124".
        /// </summary>
        public IReadOnlyList<string> Responses =>
            [.. System.Text.RegularExpressions.Regex.Matches(StdOut + StdErr, @"Received (?:Final )?[\w-]+ Response \((?<status>[^)]*)\)").Select(m => m.Groups["status"].Value)];

        /// <summary>C-GET's final sub-operation counts as getscu -v reports them ("Number of Completed Suboperations : 0").</summary>
        public int? Completed => System.Text.RegularExpressions.Regex.Match(StdOut + StdErr, @"Number of Completed Suboperations\s*:\s*(\d+)") is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

        public override string ToString() => $"exit {ExitCode}\n{StdOut}{StdErr}";
    }

    /// <summary>0x0124 Refused: Not Authorized, as dcmtk 3.6 logs it (it has no name for the status).</summary>
    public const string NotAuthorized = "Unknown Status: 0x124";

    public const string MoveDestinationUnknown = "Refused: MoveDestinationUnknown";

    public static Result Run(string tool, params string[] args)
    {
        var path = new[] { "/usr/bin", "/usr/local/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{tool} is not installed: apt-get install dcmtk (see .ci/run)");
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{tool} did not finish"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine("/usr/bin", tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool} (apt-get install dcmtk)");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
