using System.Globalization;

namespace Enamel.Bench;

/// <summary>The <c>parse</c> run: generate (or reuse) the corpus, measure Enamel and the peers, print the table.</summary>
internal static class ParseBenchmark
{
    public static void Run(string dir, int fileCount, double largeGb, bool peers, int repeat, TextWriter log)
    {
        var corpus = BenchCorpus.Ensure(dir, fileCount, largeGb, log);
        long total = corpus.TotalBytes;
        log.WriteLine($"corpus: {corpus.Files.Count} files, {total / 1e6:N0} MB; large object {new FileInfo(corpus.LargeFile).Length / 1e6:N0} MB");
        corpus.WarmPageCache();
        var listFile = Path.Combine(dir, "files.txt");
        File.WriteAllLines(listFile, corpus.Files);

        var rows = new List<(string Metric, Measurement Ours, Measurement[] Theirs)>();
        log.WriteLine("measuring Enamel header parse (child process) ...");
        var header = Best(repeat, () => EnamelRunner.HeaderParse(listFile));
        log.WriteLine("measuring Enamel full parse (child process) ...");
        var full = Best(repeat, () => EnamelRunner.FullParse(listFile));
        log.WriteLine("measuring Enamel large object (child process) ...");
        var large = Best(repeat, () => EnamelRunner.LargeInChildProcess(corpus.LargeFile));

        Measurement[] headerPeers = [], fullPeers = [], largePeers = [];
        if (peers)
        {
            log.WriteLine("measuring pydicom and dcmdump ...");
            // dcmdump runs once per process over all files: best of Passes runs, like the in-process passes of the others.
            headerPeers =
            [
                Best(repeat, () => PeerRunner.Pydicom("header", "dcmread(stop_before_pixels=True)", listFile)),
                Best(EnamelRunner.Passes * repeat, () => PeerRunner.Dcmdump("header", ["-q", "+sb", "7fe0,0010", "+P", "0010,0010"], corpus.Files)),
            ];
            fullPeers =
            [
                Best(repeat, () => PeerRunner.Pydicom("full", "dcmread + PixelData", listFile)),
                Best(EnamelRunner.Passes * repeat, () => PeerRunner.Dcmdump("full", ["-q", "+M", "+P", "0010,0010"], corpus.Files)),
            ];
            largePeers =
            [
                Best(repeat, () => PeerRunner.Pydicom("large", "dcmread + frames sliced from PixelData", corpus.LargeFile)),
                Best(repeat, () => PeerRunner.Dcmdump("large", ["-q", "+M", "+P", "0010,0010"], [corpus.LargeFile])),
                Best(repeat, () => PeerRunner.Dcmdump("large", ["-q", "-M", "+P", "0010,0010"], [corpus.LargeFile])),
            ];
        }
        // Header MB/s counts the bytes a header parse covers: everything before the Pixel Data element.
        long headerBytes = corpus.Files.Sum(f => new FileInfo(f).Length - BenchCorpus.PixelDataElementLength);
        header = header with { Bytes = headerBytes };
        headerPeers = [.. headerPeers.Select(m => m with { Bytes = headerBytes })];
        rows.Add(("header", header, headerPeers));
        rows.Add(("full", full, fullPeers));
        rows.Add(("large", large, largePeers));
        Print(rows, log);
        PrintAims(header, headerPeers, full, large, log);
    }

    /// <summary>The fastest of <paramref name="repeat"/> runs (the machine is shared; the best run is the least disturbed).</summary>
    private static Measurement Best(int repeat, Func<Measurement> run) =>
        Enumerable.Range(0, Math.Max(1, repeat)).Select(_ => run()).MinBy(m => m.Seconds)!;

    /// <summary>The aims from the issue: header parse at least 50x pydicom, full parse at least 500 MB/s, large object under 100 MB.</summary>
    private static void PrintAims(Measurement header, Measurement[] headerPeers, Measurement full, Measurement large, TextWriter log)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        if (headerPeers.FirstOrDefault(m => m.Tool == "pydicom") is { } py)
        {
            double ratio = header.FilesPerSecond / py.FilesPerSecond;
            log.WriteLine(string.Create(c, $"aim: header parse >= 50x pydicom     : {ratio,8:N1}x   {(ratio >= 50 ? "met" : "MISSED")}"));
        }
        log.WriteLine(string.Create(c, $"aim: full parse >= 500 MB/s          : {full.MegabytesPerSecond,8:N0} MB/s {(full.MegabytesPerSecond >= 500 ? "met" : "MISSED")}"));
        double peak = (large.PeakRssBytes ?? 0) / 1e6;
        log.WriteLine(string.Create(c, $"aim: 1 GB object peak memory < 100 MB: {peak,8:N1} MB   {(peak < 100 ? "met" : "MISSED")}"));
    }

    private static void Print(List<(string Metric, Measurement Ours, Measurement[] Theirs)> rows, TextWriter log)
    {
        var c = CultureInfo.InvariantCulture;
        log.WriteLine();
        log.WriteLine($"{"run",-8} {"tool",-8} {"files/s",10} {"MB/s",9} {"peak RSS MB",12} {"ours/theirs (speed)",20} {"theirs/ours (RSS)",18}  what");
        foreach (var (metric, ours, theirs) in rows)
        {
            log.WriteLine(Line(metric, ours, null));
            foreach (var t in theirs) log.WriteLine(Line(metric, t, ours));
        }

        string Line(string metric, Measurement m, Measurement? ours)
        {
            string rss = m.PeakRssBytes is { } r and > 0 ? (r / 1e6).ToString("N1", c) : "-";
            string speedRatio = ours is null ? "" : (ours.MegabytesPerSecond / m.MegabytesPerSecond).ToString("N1", c) + "x";
            string rssRatio = ours?.PeakRssBytes is { } o && m.PeakRssBytes is { } t && o > 0 && t > 0 ? (t / (double)o).ToString("N2", c) + "x" : "";
            string what = m.Note is null ? m.Task : $"{m.Task}; {m.Note}";
            return string.Create(c, $"{metric,-8} {m.Tool,-8} {m.FilesPerSecond,10:N0} {m.MegabytesPerSecond,9:N0} {rss,12} {speedRatio,20} {rssRatio,18}  {what}");
        }
    }
}
