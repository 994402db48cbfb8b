using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Enamel.Dicom;

namespace Enamel.Bench.Archive;

/// <summary>The run inside the private network namespace: corpus, both servers, every measurement, the table.</summary>
internal static class Bench
{
    private const int EnamelHttp = 8443, EnamelDicom = 11112, OrthancHttp = 8042, OrthancDicom = 4242;

    public static async Task<int> RunAsync(BenchOptions o)
    {
        var total = Stopwatch.StartNew();
        if (!InPrivateNetworkNamespace())
        {
            Console.Error.WriteLine("E: not inside a private network namespace: Orthanc binds every interface, so the bench runs only under `unshare --net` (run bench/run-vs-orthanc.sh)");
            return 2;
        }
        var started = DateTime.UtcNow;
        string loadBefore = MachineLimits.LoadAverage();
        Console.WriteLine($"work folder {o.Work}; {Environment.ProcessorCount} cores; {(o.Quick ? "quick" : "full")} run; load average {loadBefore}");
        var corpus = Path.Combine(o.Work, "corpus");
        var run = Path.Combine(o.Work, "run");
        // Servers start empty each run; the corpus is cached. Server data is deleted at the end of a run: deleting
        // thousands of files just before the measurements slows ext4 inode allocation (recently-deleted inode scan).
        DeleteTree(run);
        Directory.CreateDirectory(run);

        Step("corpus");
        var setA = Corpus.IntraOral(Path.Combine(corpus, $"io-a-{o.IntraOral}"), o.IntraOral, 1);
        var setB = Corpus.IntraOral(Path.Combine(corpus, $"io-b-{o.IntraOral}"), o.IntraOral, 2);
        var setC = Corpus.IntraOral(Path.Combine(corpus, $"io-c-{o.IntraOral}"), o.IntraOral, 3);
        var setD = Corpus.IntraOral(Path.Combine(corpus, $"io-d-{o.IntraOral}"), o.IntraOral, 4);
        var setE = Corpus.IntraOral(Path.Combine(corpus, $"io-e-{o.IntraOral}"), o.IntraOral, 5);
        var pano = Corpus.Panoramic(Path.Combine(corpus, "pano"));
        var cbct = Corpus.Cbct(Path.Combine(corpus, $"cbct-{o.CbctSlices}"), o.CbctSlices);
        var large = Corpus.MultiFrame(Path.Combine(corpus, "large"), $"mf{o.MultiFrameFrames}.dcm", o.MultiFrameFrames);
        var warm = Corpus.IntraOral(Path.Combine(corpus, "warmup-io"), 60, 9).Concat(Corpus.Cbct(Path.Combine(corpus, "warmup-ct"), 60)).ToList();
        var tiny = Corpus.TinyBatches(Path.Combine(corpus, $"tiny-{o.QidoInstances}"), o.QidoInstances);
        var mixed = o.Mixed ? Corpus.Mixed(Path.Combine(corpus, $"mixed-{o.MixedCount}"), o.MixedCount) : [];
        Console.WriteLine($"  intra-oral {setA.Count} x 5 sets, {new FileInfo(setA[0]).Length / 1e6:0.00} MB each; panoramic {new FileInfo(pano).Length / 1e6:0.0} MB; " +
                          $"CBCT {cbct.Count} x {new FileInfo(cbct[0]).Length / 1e6:0.00} MB; multi-frame {new FileInfo(large).Length / 1e9:0.00} GB; " +
                          $"tiny {o.QidoInstances} in {tiny.Count} STOW bodies; mixed {(o.Mixed ? $"{mixed.Count}, {mixed.Sum(f => new FileInfo(f).Length) / 1e9:0.00} GB" : "skipped")} ({Elapsed(total)})");

        var report = new Report();
        Step("machine limits: 3 MB files written + fsynced (1 and 4 writers), AES-256-GCM and SHA-256 on one core");
        int files = o.Quick ? 30 : 100;
        double fsync1 = MachineLimits.FsyncFilesPerSecond(Path.Combine(run, "fsync"), 3_000_000, files, 1);
        double fsync4 = MachineLimits.FsyncFilesPerSecond(Path.Combine(run, "fsync"), 3_000_000, files / 4, 4);
        var cryptoTime = TimeSpan.FromSeconds(o.Quick ? 0.5 : 1.5);
        report.Limit("3 MB file written + fsynced, 1 writer", "files/s", fsync1);
        report.Limit("3 MB file written + fsynced, 4 writers", "files/s", fsync4);
        report.Limit("AES-256-GCM (64 KiB segments), one core", "GB/s", MachineLimits.AesGcmGBps(cryptoTime));
        report.Limit("SHA-256 (3 MB buffers), one core", "GB/s", MachineLimits.Sha256GBps(cryptoTime));

        Step("starting servers");
        var enamelDll = o.EnamelDll ?? Path.Combine(BenchOptions.RepoRoot(), "src", "Enamel.Cli", "bin", "Release", "net10.0", "enamel.dll");
        Console.WriteLine($"  Enamel: {enamelDll}");
        await using var enamel = await ServerProcess.StartEnamelAsync(enamelDll, Path.Combine(run, "enamel"), EnamelHttp, EnamelDicom, Path.Combine(run, "enamel.log"));
        await using var orthanc = await ServerProcess.StartOrthancAsync(Path.Combine(run, "orthanc"), OrthancHttp, OrthancDicom, Path.Combine(run, "orthanc.log"));
        ServerProcess[] servers = [enamel, orthanc];
        Console.WriteLine($"  Enamel pid {enamel.Pid}, Orthanc pid {orthanc.Pid} (TCP_NODELAY=1) ({Elapsed(total)})");
        await Task.Delay(3000);
        report.Add("idle RSS, freshly started", "MB", enamel.RssMb(), orthanc.RssMb(), "Enamel < 100 MB", enamel.RssMb() < 100);

        Step($"STOW-RS of the {new FileInfo(large).Length / 1e9:0.00} GB multi-frame as the first request of the fresh servers (peak RSS since start)");
        var peak = new Dictionary<string, double?>();
        foreach (var s in servers)
        {
            if ((s == orthanc && o.SkipOrthancLarge) || o.OnlyQido) { peak[s.Name] = null; continue; }
            var sw = Stopwatch.StartNew();
            bool ok = await DicomWebLoad.StowFileAsync(s, large);
            sw.Stop();
            peak[s.Name] = s.PeakRssMb();
            Console.WriteLine($"  {s.Name,-8} {(ok ? "stored" : "FAILED")} in {sw.Elapsed.TotalSeconds:0.0} s ({new FileInfo(large).Length / 1e6 / sw.Elapsed.TotalSeconds:0} MB/s); peak RSS {peak[s.Name]:0} MB");
            if (!ok) report.Note($"{s.Name}: STOW of the large multi-frame failed");
        }
        report.Add("peak RSS ingesting a 1 GiB multi-frame (STOW)", "MB", peak["Enamel"], peak["Orthanc"], "Enamel < 200 MB", peak["Enamel"] < 200);

        // Warm-up, not measured: 60 intra-oral + 60 CT instances (JIT and tiered recompilation, connection pools, TLS sessions), a few queries, one association.
        Step("warm-up (not measured)");
        foreach (var s in servers)
        {
            var w = await DicomWebLoad.StowFilesAsync(s, warm, 4);
            if (w.Failures > 0) throw new InvalidOperationException($"{s.Name}: warm-up STOW failed ({w.Failures} of {warm.Count}); see {run}/*.log");
            for (int i = 0; i < 40; i++) await DicomWebLoad.GetTextAsync(s, $"/studies?PatientID=WARM{i}");
            Storescu(s, [.. warm.Take(10)], Path.Combine(run, $"storescu-warm-{s.Name}.log"));
        }
        await Task.Delay(2000); // let background tier-1 compilation finish
        foreach (var s in servers) s.ResetPeak();

        if (!o.OnlyQido) await IngestTestsAsync(o, servers, report, setA, setB, setC, setD, setE, mixed, fsync4, run);

        if (!o.OnlyQido)
        {
            Step($"STOW-RS panoramic + CBCT ({cbct.Count} slices), 4 clients (for the retrieval tests)");
            var cb = new Dictionary<string, DicomWebLoad.Ingest>();
            foreach (var s in servers)
            {
                if (!await DicomWebLoad.StowFileAsync(s, pano)) report.Note($"{s.Name}: STOW of the panoramic failed");
                cb[s.Name] = await DicomWebLoad.StowFilesAsync(s, cbct, 4);
                Print(s.Name, cb[s.Name]);
            }
            report.Add($"STOW CBCT {cbct.Count} x 512x512 slices, 4 clients", "inst/s", cb["Enamel"].InstancesPerSecond, cb["Orthanc"].InstancesPerSecond);
        }
        Step($"STOW-RS {o.QidoInstances} tiny instances for the QIDO index ({Corpus.TinyPerBatch} per request, 4 clients)");
        var ti = new Dictionary<string, DicomWebLoad.Ingest>();
        foreach (var s in servers)
        {
            ti[s.Name] = await DicomWebLoad.StowBatchesAsync(s, tiny, 4, Corpus.TinyPerBatch);
            Print(s.Name, ti[s.Name]);
        }
        report.Add($"STOW tiny 8x8, {Corpus.TinyPerBatch}/request, 4 clients", "inst/s", ti["Enamel"].InstancesPerSecond, ti["Orthanc"].InstancesPerSecond);

        await Queries.QidoLoadAsync(o, servers, report);
        await Queries.QidoAsync(o, servers, report);
        if (!o.OnlyQido) await Queries.RetrieveAsync(o, servers, setA, pano, cbct, report);

        Step("idle RSS after the load (5 s without requests)");
        await Task.Delay(5000);
        report.Add("idle RSS after the load", "MB", enamel.RssMb(), orthanc.RssMb(), "Enamel < 100 MB", enamel.RssMb() < 100);

        report.Note($"{started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; load average {loadBefore} at the start, {MachineLimits.LoadAverage()} at the end (1/5/15 min); {total.Elapsed.TotalSeconds:0} s");
        report.Note($"Enamel over HTTPS (TLS), AES-256-GCM at rest, access policy and audit on every request; {OrthancVersion()} over plain HTTP, SQLite index, " +
            "StorageCompression false, TCP_NODELAY=1 in its environment; both inside one private network namespace (unshare --net), loopback only");
        report.Note("ratio = Enamel ÷ Orthanc (above 1: Enamel higher; better for throughput, worse for times, CPU and memory); server CPU = utime + stime from /proc/PID/stat before/after ÷ instances");
        if (o.Quick) report.Note($"quick run: {o.IntraOral} instances per intra-oral set, {o.QidoInstances} tiny instances, a {cbct.Count}-instance CT series, mixed corpus {(o.Mixed ? "on" : "skipped")}");
        report.Print(Console.Out);
        using (var w = new StreamWriter(Path.Combine(o.Work, "last-report.md"))) report.Print(w);
        Console.WriteLine($"\ntotal {Elapsed(total)}; table also in {o.Work}/last-report.md; logs in {run}");
        await enamel.DisposeAsync();
        await orthanc.DisposeAsync();
        foreach (var d in new[] { "enamel", "orthanc" }) DeleteTree(Path.Combine(run, d));
        return 0;
    }

    /// <summary>
    /// True when this process's network namespace differs from the one the outer process ran in (it passes its own in
    /// <see cref="OuterNamespaceVariable"/> before re-executing under unshare --net).
    /// </summary>
    private static bool InPrivateNetworkNamespace()
    {
        var outer = Environment.GetEnvironmentVariable(OuterNamespaceVariable);
        var mine = NetworkNamespace();
        return !string.IsNullOrEmpty(outer) && mine is not null && mine != outer;
    }

    public const string OuterNamespaceVariable = "ENAMEL_BENCH_OUTER_NETNS";

    /// <summary>This process's network namespace, e.g. "net:[4026531833]".</summary>
    public static string? NetworkNamespace()
    {
        try { return new FileInfo("/proc/self/ns/net").LinkTarget; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static async Task IngestTestsAsync(BenchOptions o, ServerProcess[] servers, Report report, List<string> setA, List<string> setB, List<string> setC,
        List<string> setD, List<string> setE, List<string> mixed, double fsync4, string run)
    {
        var (enamel, orthanc) = (servers[0], servers[1]);
        Step($"C-STORE intra-oral with dcmtk storescu, 1 association ({setC.Count} instances)");
        var cs1 = await IngestAsync(servers, s => Task.FromResult(CStore(s, setC, 1, run)));
        IngestRows(report, "C-STORE, 1 association", cs1, 2.5, null);
        Step($"C-STORE intra-oral, 4 associations (4 storescu at once, {setD.Count / 4} instances each)");
        var cs4 = await IngestAsync(servers, s => Task.FromResult(CStore(s, setD, 4, run)));
        IngestRows(report, "C-STORE, 4 associations", cs4, null, fsync4);
        Step("STOW-RS intra-oral, 1 instance per request, 1 client");
        var st1 = await IngestAsync(servers, s => DicomWebLoad.StowFilesAsync(s, setA, 1));
        IngestRows(report, "STOW-RS, 1 instance/request, 1 client", st1, 2.5, null);
        Step("STOW-RS intra-oral, 1 instance per request, 4 clients");
        var st4 = await IngestAsync(servers, s => DicomWebLoad.StowFilesAsync(s, setB, 4));
        IngestRows(report, "STOW-RS, 1 instance/request, 4 clients", st4, null, fsync4);
        Step("STOW-RS intra-oral, 25 instances per request, 1 client");
        var st25 = await IngestAsync(servers, s => DicomWebLoad.StowGroupsAsync(s, setE, 25, 1));
        IngestRows(report, "STOW-RS, 25 instances/request, 1 client", st25, null, null);
        report.Add($"peak RSS ingesting the {o.IntraOral}-instance intra-oral sets", "MB", enamel.PeakRssMb(), orthanc.PeakRssMb(), "Enamel < 150 MB", enamel.PeakRssMb() < 150);

        if (o.Mixed)
        {
            Step($"STOW-RS of the whole mixed corpus ({mixed.Count} instances), 1 instance per request, 2 clients");
            var mx = await IngestAsync(servers, s => DicomWebLoad.StowFilesAsync(s, mixed, 2));
            report.Relative($"whole mixed corpus ({mixed.Count}), STOW-RS, 2 clients", "inst/s", mx["Enamel"].InstancesPerSecond, mx["Orthanc"].InstancesPerSecond, true, 2, ">= 2x Orthanc");
            report.Add("  same, MB/s", "MB/s", mx["Enamel"].MBPerSecond, mx["Orthanc"].MBPerSecond);
            report.Relative("  same, server CPU per instance", "ms", mx["Enamel"].CpuMsPerInstance, mx["Orthanc"].CpuMsPerInstance, false, 0.5, "<= 1/2 of Orthanc");
        }
    }

    /// <summary>Runs one ingest on each server in turn, with the server's CPU time (user + system) around it.</summary>
    private static async Task<Dictionary<string, DicomWebLoad.Ingest>> IngestAsync(ServerProcess[] servers, Func<ServerProcess, Task<DicomWebLoad.Ingest>> ingest)
    {
        var r = new Dictionary<string, DicomWebLoad.Ingest>();
        foreach (var s in servers)
        {
            double cpu = s.CpuSeconds();
            var result = await ingest(s);
            result.ServerCpu = s.CpuSeconds() - cpu;
            r[s.Name] = result;
            Print(s.Name, result);
        }
        return r;
    }

    /// <summary>
    /// The rows of one ingest test: instances/s against its target (a multiple of Orthanc, or for concurrent tests 80 % of
    /// the 4-writer fsync limit or 3x Orthanc, whichever is lower) and server CPU per instance (target: half of Orthanc's).
    /// </summary>
    private static void IngestRows(Report report, string name, Dictionary<string, DicomWebLoad.Ingest> r, double? timesOrthanc, double? fsyncLimit)
    {
        var (e, ot) = (r["Enamel"], r["Orthanc"]);
        double? ei = e.Failures == 0 ? e.InstancesPerSecond : null, oi = ot.Failures == 0 ? ot.InstancesPerSecond : null;
        if (timesOrthanc is { } k) report.Relative(name, "inst/s", ei, oi, true, k, $">= {k:0.0#}x Orthanc");
        else if (fsyncLimit is { } f && oi is { } o)
        {
            double aim = Math.Min(0.8 * f, 3 * o);
            report.Add(name, "inst/s", ei, oi, $">= min(80% fsync 4w, 3x O) = {aim:0}", ei >= aim);
        }
        else report.Add(name, "inst/s", ei, oi);
        report.Relative("  same, server CPU per instance", "ms", e.CpuMsPerInstance, ot.CpuMsPerInstance, false, 0.5, "<= 1/2 of Orthanc");
        if (e.Failures + ot.Failures > 0) report.Note($"{name}: {e.Failures} Enamel and {ot.Failures} Orthanc requests failed (rate shown as n/a)");
    }

    /// <summary>C-STORE of <paramref name="files"/> with <paramref name="associations"/> storescu processes at once, each its share over one association.</summary>
    private static DicomWebLoad.Ingest CStore(ServerProcess s, List<string> files, int associations, string run)
    {
        if (!PortOpen(s.DicomPort)) throw new InvalidOperationException($"{s.Name}: no DIMSE listener on {s.DicomPort}");
        var shares = Enumerable.Range(0, associations).Select(a => files.Where((_, i) => i % associations == a).ToList()).ToList();
        var sw = Stopwatch.StartNew();
        var results = shares.Select((share, a) => Task.Run(() => Storescu(s, share, Path.Combine(run, $"storescu-{s.Name}-{associations}-{a}.log")))).ToArray();
        Task.WaitAll(results);
        sw.Stop();
        int failed = results.Count(t => !t.Result);
        return new DicomWebLoad.Ingest(files.Count, files.Sum(f => new FileInfo(f).Length), sw.Elapsed, failed);
    }
    /// <summary>Deletes a folder tree, tolerating entries that vanish meanwhile (retried a few times).</summary>
    private static void DeleteTree(string dir)
    {
        for (int attempt = 0; Directory.Exists(dir); attempt++)
        {
            try { Directory.Delete(dir, true); }
            catch (IOException) when (attempt < 5) { Thread.Sleep(200); }
        }
    }

    public static void Step(string s) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {s}");

    private static string Elapsed(Stopwatch sw) => $"{sw.Elapsed.TotalSeconds:0} s";

    private static void Print(string name, DicomWebLoad.Ingest r) =>
        Console.WriteLine($"  {name,-8} {r.Elapsed.TotalSeconds,7:0.00} s {r.InstancesPerSecond,8:0.0} inst/s {r.MBPerSecond,8:0.0} MB/s {r.CpuMsPerInstance,6:0.0} server CPU ms/instance{(r.Failures > 0 ? $"  {r.Failures} FAILED requests" : "")}");

    private static bool PortOpen(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    /// <summary>One storescu process: one association carrying every file in <paramref name="files"/>; true when it reported no error.</summary>
    private static bool Storescu(ServerProcess s, IReadOnlyList<string> files, string log)
    {
        var psi = new ProcessStartInfo("storescu") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-aet", "BENCH", "-aec", s.CalledAe, "127.0.0.1", s.DicomPort.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        foreach (var f in files) psi.ArgumentList.Add(f);
        psi.Environment["TCP_NODELAY"] = "1"; // the client side of the fair row too (DCMTK)
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        File.WriteAllText(log, output + err.Result);
        return p.ExitCode == 0 && !(output + err.Result).Contains("E: ", StringComparison.Ordinal);
    }

    private static string OrthancVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("/usr/sbin/Orthanc", "--version") { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            var first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit();
            return first.Trim().Replace("/usr/sbin/", "", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception) { return "?"; }
    }

    /// <summary>Reads the UIDs of a Part 10 file (header only).</summary>
    public static (string Study, string Series, string Sop) Uids(string path)
    {
        using var f = DicomFile.Open(path, DicomReadOptions.HeaderOnly);
        return (f.Dataset.GetString(DicomTags.StudyInstanceUID)!, f.Dataset.GetString(DicomTags.SeriesInstanceUID)!, f.Dataset.GetString(DicomTags.SOPInstanceUID)!);
    }
}
