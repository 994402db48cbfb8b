using Enamel.Dicom.Fuzz;
using SharpFuzz;

// Drivers for the one target in FuzzTarget.cs; docs/fuzzing.md has the commands.
//   (no arguments)      AFL++ via SharpFuzz (run under afl-fuzz on an instrumented Enamel.Dicom.dll)
//   --libfuzzer         libFuzzer via SharpFuzz's libfuzzer-dotnet driver
//   --managed [...]     pure-managed mutation fuzzer: --seconds N --iterations N --corpus DIR --findings DIR --seed N --timeout-ms N
//   --repro PATH...     run the target once on each file (or every file of a directory) and print the outcome
if (args.Length == 0 || args[0] == "--afl")
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        FuzzTarget.Run(ms.ToArray());
    });
    return 0;
}
if (args[0] == "--libfuzzer")
{
    Fuzzer.LibFuzzer.Run(span => FuzzTarget.Run(span));
    return 0;
}
if (args[0] == "--repro") return Repro(args.Skip(1));
if (args[0] == "--managed") return Managed(args.Skip(1).ToArray());
Console.Error.WriteLine($"unknown mode {args[0]}; use --managed, --repro, --libfuzzer or no argument (AFL)");
return 2;

static int Managed(string[] args)
{
    string corpusDir = "test/TestData/samples", findings = "fuzz-findings";
    double seconds = 60;
    long iterations = long.MaxValue;
    int seed = Environment.TickCount, timeoutMs = 5000;
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        var v = args[i + 1];
        switch (args[i])
        {
            case "--seconds": seconds = double.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--iterations": iterations = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--corpus": corpusDir = v; break;
            case "--findings": findings = v; break;
            case "--seed": seed = int.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
            case "--timeout-ms": timeoutMs = int.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
            default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
        }
    }
    var corpus = Directory.GetFiles(corpusDir, "*.dcm").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).Where(b => b.Length > 0).ToList();
    Console.WriteLine($"managed fuzzing: {corpus.Count} seeds from {corpusDir}, seed {seed}, {seconds} s, findings in {findings}");
    var report = new ManagedFuzzer(new ManagedFuzzerOptions
    {
        Corpus = corpus,
        Seed = seed,
        Duration = TimeSpan.FromSeconds(seconds),
        MaxIterations = iterations,
        Timeout = TimeSpan.FromMilliseconds(timeoutMs),
        FindingsDirectory = findings,
    }, Console.Out).Run();
    Console.WriteLine($"{report.Executions:N0} executions in {report.Elapsed.TotalSeconds:N1} s ({report.ExecutionsPerSecond:N0}/s), {report.Findings.Count} finding(s)");
    foreach (var f in report.Findings) Console.WriteLine($"  {f.Kind}: {f.Signature} {f.SavedAs}");
    return report.Findings.Count == 0 ? 0 : 1;
}

static int Repro(IEnumerable<string> paths)
{
    int failures = 0;
    foreach (var path in paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p).Order(StringComparer.Ordinal).ToArray() : new[] { p }))
    {
        try
        {
            FuzzTarget.Run(File.ReadAllBytes(path));
            Console.WriteLine($"ok    {path}");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"FAIL  {path}: {ManagedFuzzer.Signature(ex)}\n{ex}");
        }
    }
    return failures == 0 ? 0 : 1;
}
