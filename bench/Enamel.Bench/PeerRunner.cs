using System.Diagnostics;
using System.Globalization;

namespace Enamel.Bench;

/// <summary>The peers on the same corpus: pydicom (system Python) and dcmtk's dcmdump, each in its own process.</summary>
internal static class PeerRunner
{
    private const string Python = "/usr/bin/python3";
    private const string Time = "/usr/bin/time";

    public static Measurement Pydicom(string mode, string task, string listOrPath)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "peers", "pydicom_bench.py");
        var (stdout, _) = Run(Python, [script, mode, listOrPath, EnamelRunner.Passes.ToString(CultureInfo.InvariantCulture)]);
        var f = EnamelRunner.ParseFields(stdout);
        return new Measurement("pydicom", task, int.Parse(f["files"], CultureInfo.InvariantCulture), long.Parse(f["bytes"], CultureInfo.InvariantCulture),
            double.Parse(f["seconds"], CultureInfo.InvariantCulture), long.Parse(f["maxrss_kb"], CultureInfo.InvariantCulture) * 1024);
    }

    /// <summary>dcmdump over the files in one process (stdout discarded); wall time and peak RSS from GNU time.</summary>
    public static Measurement Dcmdump(string task, IReadOnlyList<string> options, IReadOnlyList<string> files)
    {
        long bytes = files.Sum(f => new FileInfo(f).Length);
        var args = new List<string> { "-v", "-o", "/dev/stderr", "dcmdump" };
        args.AddRange(options);
        args.AddRange(files);
        var sw = Stopwatch.StartNew();
        var (_, stderr) = Run(Time, args, discardStdout: true);
        sw.Stop();
        long rssKb = -1;
        foreach (var line in stderr.Split('\n'))
            if (line.Trim().StartsWith("Maximum resident set size (kbytes):", StringComparison.Ordinal))
                rssKb = long.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        return new Measurement("dcmdump", task, files.Count, bytes, sw.Elapsed.TotalSeconds, rssKb * 1024, "dcmdump " + string.Join(' ', options));
    }

    private static (string Stdout, string Stderr) Run(string exe, IEnumerable<string> args, bool discardStdout = false)
    {
        if (!File.Exists(exe)) throw new FileNotFoundException($"{exe} is needed for the peer comparison; install it or pass --no-peers");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        string stdout;
        if (discardStdout) { p.StandardOutput.BaseStream.CopyTo(Stream.Null); stdout = ""; }
        else stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var stderr = stderrTask.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args.Take(4))} ... exited {p.ExitCode}: {stderr}");
        return (stdout, stderr);
    }
}
