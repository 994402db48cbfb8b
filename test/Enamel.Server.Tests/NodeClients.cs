using System.Diagnostics;

namespace Enamel.Server.Tests;

/// <summary>
/// The npm clients the tests drive (dicomweb-client, fhir-kit-client): each lives in a folder of this test project with
/// its package.json and lock file; <see cref="Run"/> runs npm or node there and answers the client's output, failing the
/// test with what it printed when it exits non-zero.
/// </summary>
public static class NodeClients
{
    /// <summary>test/Enamel.Server.Tests/<paramref name="name"/>, found above the test binaries.</summary>
    public static string Folder(string name)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "test", "Enamel.Server.Tests", name);
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException($"test/Enamel.Server.Tests/{name} not found above the test binaries");
    }

    public static string Run(string tool, string[] args, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"{tool} is not installed: the npm client tests need Node.js and npm (test/run installs them)"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"{tool} did not finish"); }
            Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {stderr.Result}{stdout.Result}");
            return stdout.Result;
        }
    }
}
