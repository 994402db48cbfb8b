using System.Diagnostics;

namespace Enamel.Cli.Tests;

/// <summary>Runs the built `enamel` command (enamel.dll next to the tests) as a separate process, as a user would.</summary>
public static class Enamel
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "samples", name);

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "enamel.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static Result Run(params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"enamel {string.Join(' ', args)} did not finish"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"{tool} is not installed: apt-get install dcmtk (see .ci/run)"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"{tool} did not finish"); }
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>`enamel init --data DATA` when <paramref name="data"/> is not a data folder yet (only init and serve create one).</summary>
    public static void Init(string data)
    {
        if (File.Exists(Path.Combine(data, "master.key"))) return;
        var r = Run("init", "--data", data);
        if (r.ExitCode != 0) throw new InvalidOperationException($"init {data} failed ({r.ExitCode}): {r.StdErr}");
    }

    /// <summary>`enamel users add NAME --role ROLE --clinic main` on the data folder (created first with <see cref="Init"/>); the one-time password is returned.</summary>
    public static string AddUser(string data, string name, string role)
    {
        Init(data);
        var r = Run("users", "add", name, "--role", role, "--clinic", "main", "--data", data);
        if (r.ExitCode != 0) throw new InvalidOperationException($"users add {name} failed ({r.ExitCode}): {r.StdErr}");
        return r.StdOut.Trim();
    }

    /// <summary>
    /// `enamel import` of one sample (copied into its own folder under <paramref name="work"/>) by <paramref name="asUser"/>
    /// into <paramref name="clinic"/>; returns the sample's Patient ID.
    /// </summary>
    public static string ImportSample(string data, string work, string sample, string asUser, string clinic)
    {
        var source = Path.Combine(work, "import-" + sample);
        Directory.CreateDirectory(source);
        File.Copy(Sample(sample), Path.Combine(source, sample));
        var r = Run("import", source, "--data", data, "--as", asUser, "--clinic", clinic, "--report", Path.Combine(work, sample + ".tsv"));
        if (r.ExitCode != 0) throw new InvalidOperationException($"import {sample} failed ({r.ExitCode}): {r.StdErr}");
        using var f = global::Enamel.Dicom.DicomFile.Open(Sample(sample));
        return f.Dataset.GetString(global::Enamel.Dicom.DicomTags.PatientID)!;
    }

    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "enamel-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}
