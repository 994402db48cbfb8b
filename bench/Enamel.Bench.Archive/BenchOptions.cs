using System.Globalization;

namespace Enamel.Bench.Archive;

internal sealed class BenchOptions
{
    /// <summary>Instances in each intra-oral set (issue 12 measures 200 of about 3 MB).</summary>
    public int IntraOral { get; private set; } = 200;
    public int QidoInstances { get; private set; } = 100_000;
    public int QidoQueries { get; private set; } = 300;
    public int Retrieves { get; private set; } = 100;
    public int Renders { get; private set; } = 40;
    public int CbctSlices { get; private set; } = 300;
    public int MultiFrameFrames { get; private set; } = 512; // 512 x 2 MiB = 1 GiB
    public int QidoSeconds { get; private set; } = 15;
    public int SeriesRepeats { get; private set; } = 5;

    /// <summary>Whether to STOW the whole mixed corpus (<see cref="MixedCount"/> instances, ≈ 4.3 GB at 2,000); on by default, off in quick runs.</summary>
    public bool Mixed { get; private set; } = true;
    public int MixedCount { get; private set; } = 2000;
    public bool Quick { get; private set; }
    public bool Inside { get; private set; }
    public bool SkipOrthancLarge { get; private set; }

    /// <summary>Only the QIDO index and the QIDO tests (for before/after comparisons of the query path).</summary>
    public bool OnlyQido { get; private set; }
    public string Work { get; private set; } = "/tmp/enamel-bench-archive";

    /// <summary>Another build of Enamel to measure (e.g. the release before a change, built in a worktree): its enamel.dll.</summary>
    public string? EnamelDll { get; private set; }

    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions();
        int? intra = null, qido = null;
        bool? mixed = null;
        int? qidoSeconds = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--intraoral": intra = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--qido-instances": qido = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--work": o.Work = Path.GetFullPath(Next()); break;
                    case "--quick": o.Quick = true; break;
                    case "--inside": o.Inside = true; break;
                    case "--skip-orthanc-1gb": o.SkipOrthancLarge = true; break;
                    case "--enamel-dll": o.EnamelDll = Path.GetFullPath(Next()); break;
                    case "--mixed": mixed = true; break;
                    case "--only-qido": o.OnlyQido = true; break;
                    case "--no-mixed": mixed = false; break;
                    case "--mixed-count": o.MixedCount = int.Parse(Next(), CultureInfo.InvariantCulture); mixed ??= true; break;
                    case "--qido-seconds": qidoSeconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: Console.Error.WriteLine($"E: unknown argument {args[i]}"); return null;
                }
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return null;
            }
        }
        if (o.Quick)
        {
            o.IntraOral = 60;
            o.QidoInstances = 5_000;
            o.QidoQueries = 90;
            o.Retrieves = 30;
            o.Renders = 10;
            o.CbctSlices = 60;
            o.MultiFrameFrames = 512;
            o.QidoSeconds = 5;
            o.SeriesRepeats = 2;
            o.Mixed = false;
            o.SkipOrthancLarge = true;
        }
        if (mixed is { } m) o.Mixed = m;
        if (qidoSeconds is { } qs) o.QidoSeconds = qs;
        if (intra is { } n) o.IntraOral = n;
        if (qido is { } q) o.QidoInstances = q;
        return o;
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Enamel.slnx"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (Enamel.slnx) above " + AppContext.BaseDirectory);
    }
}
