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
        Console.WriteLine($"work folder {o.Work}; {Environment.ProcessorCount} cores; {(o.Quick ? "quick" : "full")} run");
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
        var pano = Corpus.Panoramic(Path.Combine(corpus, "pano"));
        var cbct = Corpus.Cbct(Path.Combine(corpus, $"cbct-{o.CbctSlices}"), o.CbctSlices);
        var large = Corpus.MultiFrame(Path.Combine(corpus, "large"), $"mf{o.MultiFrameFrames}.dcm", o.MultiFrameFrames);
        var warm = Corpus.IntraOral(Path.Combine(corpus, "warmup-io"), 60, 9).Concat(Corpus.Cbct(Path.Combine(corpus, "warmup-ct"), 60)).ToList();
        var tiny = Corpus.TinyBatches(Path.Combine(corpus, $"tiny-{o.QidoInstances}"), o.QidoInstances);
        Console.WriteLine($"  intra-oral {setA.Count} x 3 sets, {new FileInfo(setA[0]).Length / 1e6:0.00} MB each; panoramic {new FileInfo(pano).Length / 1e6:0.0} MB; " +
                          $"CBCT {cbct.Count} x {new FileInfo(cbct[0]).Length / 1e6:0.00} MB; multi-frame {new FileInfo(large).Length / 1e9:0.00} GB; " +
                          $"tiny {o.QidoInstances} in {tiny.Count} STOW bodies ({Elapsed(total)})");

        var report = new Report();
        Step("disk limit: 3 MB files, fsync each");
        double disk = DiskLimit.Measure(Path.Combine(run, "fsync"), 3_000_000, o.Quick ? 40 : 150);
        Console.WriteLine($"  {disk:0.0} MB/s");
        report.Add("disk limit, 3 MB writes + fsync", "MB/s", disk, disk, true);

        Step("starting servers");
        var enamelDll = o.EnamelDll ?? Path.Combine(BenchOptions.RepoRoot(), "src", "Enamel.Cli", "bin", "Release", "net10.0", "enamel.dll");
        Console.WriteLine($"  Enamel: {enamelDll}");
        await using var enamel = await ServerProcess.StartEnamelAsync(enamelDll, Path.Combine(run, "enamel"), EnamelHttp, EnamelDicom, Path.Combine(run, "enamel.log"));
        await using var orthanc = await ServerProcess.StartOrthancAsync(Path.Combine(run, "orthanc"), OrthancHttp, OrthancDicom, Path.Combine(run, "orthanc.log"));
        ServerProcess[] servers = [enamel, orthanc];
        Console.WriteLine($"  Enamel pid {enamel.Pid}, Orthanc pid {orthanc.Pid} ({Elapsed(total)})");

        Step($"STOW-RS of the {new FileInfo(large).Length / 1e9:0.00} GB multi-frame: peak RSS of the freshly started servers (first request)");
        var peak = new Dictionary<string, double?>();
        var idle = new Dictionary<string, double?>();
        foreach (var s in servers)
        {
            if (s == orthanc && o.SkipOrthancLarge) { peak[s.Name] = null; idle[s.Name] = s.RssMb(); continue; }
            double before = s.RssMb();
            idle[s.Name] = before;
            var sw = Stopwatch.StartNew();
            bool ok = await DicomWebLoad.StowFileAsync(s, large);
            sw.Stop();
            peak[s.Name] = s.PeakRssMb();
            Console.WriteLine($"  {s.Name,-8} {(ok ? "stored" : "FAILED")} in {sw.Elapsed.TotalSeconds:0.0} s ({new FileInfo(large).Length / 1e6 / sw.Elapsed.TotalSeconds:0} MB/s); RSS before {before:0} MB, peak since start {peak[s.Name]:0} MB");
            if (!ok) report.Note($"{s.Name}: STOW of the large multi-frame failed");
        }
        report.Add("RSS of the fresh server before it", "MB", idle["Enamel"], idle["Orthanc"], false);
        report.Add("peak RSS: fresh server + STOW 1 GB multi-frame", "MB", peak["Enamel"], peak["Orthanc"], false, "< 200 MB", peak["Enamel"] < 200);

        // Warm-up, not measured: 60 intra-oral + 60 CT instances (JIT and tiered recompilation, connection pools, TLS sessions) and a few queries.
        foreach (var s in servers)
        {
            var w = await DicomWebLoad.StowFilesAsync(s, warm, 4);
            if (w.Failures > 0) throw new InvalidOperationException($"{s.Name}: warm-up STOW failed ({w.Failures} of {warm.Count}); see {run}/*.log");
            for (int i = 0; i < 40; i++) await DicomWebLoad.GetTextAsync(s, $"/studies?PatientID=WARM{i}");
        }
        await Task.Delay(2000); // let background tier-1 compilation finish

        foreach (var (set, clients) in new[] { (setA, 1), (setB, 4) })
        {
            Step($"STOW-RS intra-oral, {clients} client(s), one instance per request");
            var r = new Dictionary<string, DicomWebLoad.Ingest>();
            foreach (var s in servers)
            {
                r[s.Name] = await DicomWebLoad.StowFilesAsync(s, set, clients);
                Print(s.Name, r[s.Name]);
            }
            double e = r["Enamel"].MBPerSecond, ot = r["Orthanc"].MBPerSecond;
            report.Add($"STOW intra-oral, {clients} client(s)", "inst/s", r["Enamel"].InstancesPerSecond, r["Orthanc"].InstancesPerSecond, true, ">= 5x Orthanc", e >= 5 * ot);
            report.Add($"STOW intra-oral, {clients} client(s)", "MB/s", e, ot, true, $">= 60% disk ({0.6 * disk:0} MB/s)", e >= 0.6 * disk);
            report.Add($"STOW intra-oral, {clients} client(s), server CPU", "ms/MB", r["Enamel"].CpuMsPerMB, r["Orthanc"].CpuMsPerMB, false);
        }

        Step("C-STORE intra-oral with dcmtk storescu (one association)");
        var cstore = new Dictionary<string, double?>();
        foreach (var s in servers)
        {
            if (!PortOpen(s.DicomPort)) { Console.WriteLine($"  {s.Name}: no DIMSE listener on {s.DicomPort}: n/a"); cstore[s.Name] = null; continue; }
            var (seconds, ok) = Storescu(s, Path.GetDirectoryName(setC[0])!, Path.Combine(run, $"storescu-{s.Name}.log"));
            double bytes = setC.Sum(f => new FileInfo(f).Length);
            cstore[s.Name] = ok ? bytes / 1e6 / seconds : null;
            Console.WriteLine($"  {s.Name,-8} {seconds,7:0.00} s {setC.Count / seconds,8:0.0} inst/s {bytes / 1e6 / seconds,8:0.0} MB/s{(ok ? "" : "  (storescu reported errors)")}");
        }
        report.Add("C-STORE intra-oral (storescu)", "MB/s", cstore["Enamel"], cstore["Orthanc"], true, ">= 5x Orthanc",
            cstore["Enamel"] is { } ce && cstore["Orthanc"] is { } co ? ce >= 5 * co : null);

        Step("STOW-RS panoramic + CBCT, 4 clients");
        var cb = new Dictionary<string, DicomWebLoad.Ingest>();
        foreach (var s in servers)
        {
            if (!await DicomWebLoad.StowFileAsync(s, pano)) report.Note($"{s.Name}: STOW of the panoramic failed");
            cb[s.Name] = await DicomWebLoad.StowFilesAsync(s, cbct, 4);
            Print(s.Name, cb[s.Name]);
        }
        report.Add($"STOW CBCT {cbct.Count} x 512x512 slices, 4 clients", "inst/s", cb["Enamel"].InstancesPerSecond, cb["Orthanc"].InstancesPerSecond, true);

        Step($"STOW-RS {o.QidoInstances} tiny instances for the QIDO index ({Corpus.TinyPerBatch} per request, 4 clients)");
        var ti = new Dictionary<string, DicomWebLoad.Ingest>();
        foreach (var s in servers)
        {
            ti[s.Name] = await DicomWebLoad.StowBatchesAsync(s, tiny, 4, Corpus.TinyPerBatch);
            Print(s.Name, ti[s.Name]);
        }
        report.Add($"STOW tiny 8x8, {Corpus.TinyPerBatch}/request, 4 clients", "inst/s", ti["Enamel"].InstancesPerSecond, ti["Orthanc"].InstancesPerSecond, true);

        await Queries.QidoAsync(o, servers, report);
        await Queries.RetrieveAsync(o, servers, setA, pano, report);

        Step("whole-run peak RSS");
        foreach (var s in servers) Console.WriteLine($"  {s.Name,-8} VmHWM {s.PeakRssMb():0} MB; final RSS {s.RssMb():0} MB; CPU {s.CpuSeconds():0.0} s");
        report.Add("peak RSS over the whole run (VmHWM)", "MB", enamel.PeakRssMb(), orthanc.PeakRssMb(), false);

        report.Note($"machine: {Environment.ProcessorCount} cores shared with other sessions; Enamel over HTTPS (TLS, AES-256-GCM at rest), Orthanc {OrthancVersion()} over plain HTTP, SQLite index, StorageCompression false");
        report.Print(Console.Out);
        using (var w = new StreamWriter(Path.Combine(o.Work, "last-report.md"))) report.Print(w);
        Console.WriteLine($"\ntotal {Elapsed(total)}; table also in {o.Work}/last-report.md; logs in {run}");
        await enamel.DisposeAsync();
        await orthanc.DisposeAsync();
        foreach (var d in new[] { "enamel", "orthanc" }) DeleteTree(Path.Combine(run, d));
        return 0;
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
        Console.WriteLine($"  {name,-8} {r.Elapsed.TotalSeconds,7:0.00} s {r.InstancesPerSecond,8:0.0} inst/s {r.MBPerSecond,8:0.0} MB/s {r.CpuMsPerMB,6:0.0} server CPU ms/MB{(r.Failures > 0 ? $"  {r.Failures} FAILED requests" : "")}");

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

    private static (double Seconds, bool Ok) Storescu(ServerProcess s, string dir, string log)
    {
        var psi = new ProcessStartInfo("storescu") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-aet", "BENCH", "-aec", s.CalledAe, "+sd", "+sp", "*.dcm", "127.0.0.1", s.DicomPort.ToString(CultureInfo.InvariantCulture), dir })
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        sw.Stop();
        File.WriteAllText(log, output + err.Result);
        return (sw.Elapsed.TotalSeconds, p.ExitCode == 0 && !(output + err.Result).Contains("E: ", StringComparison.Ordinal));
    }

    private static string OrthancVersion()
    {
        try
        {
            var psi = new ProcessStartInfo("/usr/sbin/Orthanc", "--version") { RedirectStandardOutput = true };
            using var p = Process.Start(psi)!;
            var first = p.StandardOutput.ReadLine() ?? "";
            p.WaitForExit();
            return first.Trim();
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
