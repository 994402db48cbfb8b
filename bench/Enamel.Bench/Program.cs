using System.Globalization;
using Enamel.Bench;

// dotnet run -c Release --project bench/Enamel.Bench -- parse [--files 1000] [--large-gb 1] [--dir DIR] [--repeat 1] [--no-peers]
// dotnet run -c Release --project bench/Enamel.Bench -- clean [--dir DIR]
// (header-child LIST, full-child LIST and large-child PATH are the modes the parse run starts in child processes,
//  so each measurement's peak memory is its own.)
if (args.Length == 0) return Usage();
var options = new Dictionary<string, string>();
bool peers = true;
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--no-peers") { peers = false; continue; }
    if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) options[args[i]] = args[++i];
    else if (!args[0].EndsWith("-child", StringComparison.Ordinal)) return Usage();
}
string dir = options.GetValueOrDefault("--dir") ?? BenchCorpus.DefaultDirectory;
switch (args[0])
{
    case "large-child":
        return EnamelRunner.LargeChild(args[1]);
    case "header-child":
    case "full-child":
        return EnamelRunner.SmallFilesChild(args[1], full: args[0] == "full-child");
    case "clean":
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Console.WriteLine($"removed {dir}");
        return 0;
    case "parse":
        int files = int.Parse(options.GetValueOrDefault("--files") ?? "1000", CultureInfo.InvariantCulture);
        double largeGb = double.Parse(options.GetValueOrDefault("--large-gb") ?? "1", CultureInfo.InvariantCulture);
        int repeat = int.Parse(options.GetValueOrDefault("--repeat") ?? "1", CultureInfo.InvariantCulture);
        ParseBenchmark.Run(dir, files, largeGb, peers, repeat, Console.Out);
        return 0;
    default:
        return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: Enamel.Bench parse [--files N] [--large-gb X] [--dir DIR] [--repeat N] [--no-peers] | clean [--dir DIR]");
    return 2;
}
