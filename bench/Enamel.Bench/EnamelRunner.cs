using System.Diagnostics;
using System.Globalization;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;

namespace Enamel.Bench;

/// <summary>Enamel's side of the comparison: header parse, full parse, and the large object in a child process.</summary>
internal static class EnamelRunner
{
    private static readonly DicomReadOptions LoadEverything = new() { LargeValueThreshold = int.MaxValue };

    public static Measurement HeaderParse(IReadOnlyList<string> files, long totalBytes)
    {
        long check = 0;
        // Warm-up pass (tiered JIT reaches optimised code after ~30 calls and a short delay), then the timed pass.
        foreach (var f in files) check += OpenHeader(f);
        Thread.Sleep(200);
        var sw = Stopwatch.StartNew();
        foreach (var f in files) check += OpenHeader(f);
        sw.Stop();
        GC.KeepAlive(check);
        return new Measurement("Enamel", "header parse (stop before Pixel Data)", files.Count, totalBytes, sw.Elapsed.TotalSeconds);
    }

    private static long OpenHeader(string path)
    {
        using var file = DicomFile.Open(path, DicomReadOptions.HeaderOnly);
        return file.Dataset.Count;
    }

    public static Measurement FullParse(IReadOnlyList<string> files, long totalBytes)
    {
        long check = 0;
        foreach (var f in files.Take(40)) check += OpenFull(f);
        Thread.Sleep(200);
        var sw = Stopwatch.StartNew();
        foreach (var f in files) check += OpenFull(f);
        sw.Stop();
        GC.KeepAlive(check);
        return new Measurement("Enamel", "full parse (Pixel Data loaded)", files.Count, totalBytes, sw.Elapsed.TotalSeconds);
    }

    private static long OpenFull(string path)
    {
        using var file = DicomFile.Open(path, LoadEverything);
        var pixels = (DicomValueElement)file.Dataset[DicomTags.PixelData]!;
        return pixels.Value.GetMemory().Span[^1];
    }

    /// <summary>Runs this program in <c>large-child</c> mode so the peak memory is the large object's alone.</summary>
    public static Measurement LargeInChildProcess(string largeFile)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(EnamelRunner).Assembly.Location);
        psi.ArgumentList.Add("large-child");
        psi.ArgumentList.Add(largeFile);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"large-child failed ({p.ExitCode}): {output}");
        var fields = ParseFields(output);
        return new Measurement("Enamel", "large: parse + every frame (GetFrame)", 1, long.Parse(fields["bytes"], CultureInfo.InvariantCulture),
            double.Parse(fields["seconds"], CultureInfo.InvariantCulture), long.Parse(fields["vmhwm_kb"], CultureInfo.InvariantCulture) * 1024,
            $"{fields["frames"]} frames, max GC heap {long.Parse(fields["gc_heap_max"], CultureInfo.InvariantCulture) / 1e6:N1} MB");
    }

    /// <summary>The child's work: open the large object, read every frame, print figures as key=value.</summary>
    public static int LargeChild(string path)
    {
        var sw = Stopwatch.StartNew();
        long check = 0, gcMax = 0;
        int frames;
        using (var file = DicomFile.Open(path))
        {
            var pixels = DicomPixelData.Create(file);
            frames = pixels.NumberOfFrames;
            for (int i = 0; i < frames; i++)
            {
                var frame = pixels.GetFrame(i);
                check += frame[^1];
                if ((i & 63) == 0) gcMax = Math.Max(gcMax, GC.GetGCMemoryInfo().HeapSizeBytes);
            }
        }
        sw.Stop();
        GC.KeepAlive(check);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(invariant,
            $"bytes={new FileInfo(path).Length} seconds={sw.Elapsed.TotalSeconds:R} frames={frames} vmhwm_kb={ProcStatusKb("VmHWM")} gc_heap_max={gcMax}"));
        return 0;
    }

    internal static long ProcStatusKb(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    internal static Dictionary<string, string> ParseFields(string text) =>
        text.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
}
