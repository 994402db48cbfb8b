using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Enamel.Dicom.Tests.Validation;

/// <summary>Runs dciodvfy (dicom3tools) as the peer validator; throws a clear message when it is not installed.</summary>
internal static partial class Dciodvfy
{
    public static string Path
    {
        get
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/local/bin"))
            {
                var candidate = System.IO.Path.Combine(dir, "dciodvfy");
                if (File.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException("dciodvfy (dicom3tools) is not installed: apt-get install dicom3tools");
        }
    }

    /// <summary>All output lines (dciodvfy writes its findings to stderr).</summary>
    public static string[] Run(string file)
    {
        var psi = new ProcessStartInfo(Path, [file]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (stdout + "\n" + stderr.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Missing-attribute errors: (type, keyword, module), e.g. ("1", "Rows", "ImagePixelDescriptionMacro").</summary>
    public static IReadOnlyList<(string Type, string Keyword, string Module)> MissingAttributes(IEnumerable<string> lines) =>
        lines.Select(l => MissingLine().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();

    public static IEnumerable<string> Errors(IEnumerable<string> lines) => lines.Where(l => l.StartsWith("Error - ", StringComparison.Ordinal));

    [GeneratedRegex(@"^Error - Missing attribute Type (\w+) (?:Required|Conditional) Element=<(\w+)> Module=<(\w+)>")]
    private static partial Regex MissingLine();
}
