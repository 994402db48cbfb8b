using System.Diagnostics;
using System.Security.Cryptography;

namespace Enamel.Dicom.Fuzz;

/// <summary>What a managed fuzzing run should do.</summary>
public sealed record ManagedFuzzerOptions
{
    public required IReadOnlyList<byte[]> Corpus { get; init; }
    public int Seed { get; init; } = 1;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public long MaxIterations { get; init; } = long.MaxValue;
    /// <summary>An input running longer than this is a hang finding.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Where crashing and hanging inputs are saved; null keeps them in memory only.</summary>
    public string? FindingsDirectory { get; init; }
    /// <summary>A run stops after this many hangs (each one leaves a thread spinning).</summary>
    public int MaxHangs { get; init; } = 3;
    public TimeSpan ReportEvery { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>One unexpected outcome, deduplicated by exception type and throwing frame.</summary>
public sealed record FuzzFinding(string Kind, string Signature, string Message, byte[] Input, string? SavedAs);

public sealed record FuzzReport(long Executions, TimeSpan Elapsed, IReadOnlyList<FuzzFinding> Findings)
{
    public double ExecutionsPerSecond => Elapsed.TotalSeconds > 0 ? Executions / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// A pure-managed mutation fuzzer: mutates the corpus with <see cref="DicomMutator"/> and runs
/// <see cref="FuzzTarget"/> on a worker thread with a per-input timeout. No coverage feedback: it is the
/// always-available fallback and the engine of the in-process smoke test.
/// </summary>
public sealed class ManagedFuzzer(ManagedFuzzerOptions options, TextWriter log)
{
    private readonly Dictionary<string, FuzzFinding> findings = [];

    public FuzzReport Run()
    {
        if (options.Corpus.Count == 0) throw new ArgumentException("the corpus is empty", nameof(options));
        if (options.FindingsDirectory is { } dir) Directory.CreateDirectory(dir);
        var mutator = new DicomMutator(options.Corpus, new Random(options.Seed));
        var worker = new Worker();
        var clock = Stopwatch.StartNew();
        var nextReport = options.ReportEvery;
        long executions = 0;
        int hangs = 0;
        while (executions < options.MaxIterations && clock.Elapsed < options.Duration)
        {
            // Every corpus entry runs unmutated first, so a seed that already fails is reported as such.
            var input = executions < options.Corpus.Count ? options.Corpus[(int)executions] : mutator.Next();
            executions++;
            if (!worker.TryRun(input, options.Timeout, out var error))
            {
                Record("hang", "hang", $"no result after {options.Timeout.TotalSeconds:0.#} s", input);
                worker = new Worker(); // the stuck thread is abandoned (background, so it dies with the process)
                if (++hangs >= options.MaxHangs) { log.WriteLine($"stopping after {hangs} hangs"); break; }
            }
            else if (error is not null)
            {
                Record(error is RoundTripException ? "roundtrip" : "crash", Signature(error), error.ToString(), input);
            }
            if (clock.Elapsed >= nextReport)
            {
                log.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {executions:N0} execs, {executions / clock.Elapsed.TotalSeconds:N0}/s, {findings.Count} finding(s)");
                nextReport += options.ReportEvery;
            }
        }
        worker.Stop();
        return new FuzzReport(executions, clock.Elapsed, [.. findings.Values]);
    }

    private void Record(string kind, string signature, string message, byte[] input)
    {
        if (findings.ContainsKey(signature)) return;
        string? savedAs = null;
        if (options.FindingsDirectory is { } dir)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
            savedAs = Path.Combine(dir, $"{kind}-{hash}.dcm");
            File.WriteAllBytes(savedAs, input);
            File.WriteAllText(Path.ChangeExtension(savedAs, ".txt"), $"{kind}: {signature}\n\n{message}\n");
        }
        findings[signature] = new FuzzFinding(kind, signature, message, input, savedAs);
        log.WriteLine($"NEW {kind}: {signature}{(savedAs is null ? "" : $" -> {savedAs}")}");
    }

    /// <summary>Exception type plus the first Enamel frame that threw it.</summary>
    public static string Signature(Exception ex)
    {
        var root = ex is RoundTripException { InnerException: { } inner } ? inner : ex;
        var frame = new StackTrace(root, false).GetFrames()
            .Select(f => f.GetMethod())
            .FirstOrDefault(m => m?.DeclaringType?.FullName?.StartsWith("Enamel.", StringComparison.Ordinal) == true);
        var where = frame is null ? "?" : $"{frame.DeclaringType!.Name}.{frame.Name}";
        return $"{ex.GetType().Name}{(ReferenceEquals(root, ex) ? "" : "/" + root.GetType().Name)} at {where}";
    }

    /// <summary>A reusable thread that runs the target; a hung one is abandoned.</summary>
    private sealed class Worker
    {
        private readonly SemaphoreSlim start = new(0), done = new(0);
        private readonly Thread thread;
        private byte[] input = [];
        private Exception? error;
        private volatile bool stopping;

        public Worker()
        {
            thread = new Thread(Loop, maxStackSize: 16 << 20) { IsBackground = true, Name = "fuzz-target" };
            thread.Start();
        }

        public bool TryRun(byte[] data, TimeSpan timeout, out Exception? failure)
        {
            input = data;
            error = null;
            start.Release();
            bool finished = done.Wait(timeout);
            failure = error;
            return finished;
        }

        public void Stop()
        {
            stopping = true;
            start.Release();
        }

        private void Loop()
        {
            while (true)
            {
                start.Wait();
                if (stopping) return;
                try { FuzzTarget.Run(input); }
                catch (Exception ex) { error = ex; }
                done.Release();
            }
        }
    }
}
