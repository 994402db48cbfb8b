using System.Globalization;

namespace Enamel.Bench;

/// <summary>The <c>parse</c> run: generate (or reuse) the corpus, measure Enamel and the peers, print the table.</summary>
internal static class ParseBenchmark
{
    public static void Run(string dir, int fileCount, double largeGb, bool peers, TextWriter log)
    {
        var corpus = BenchCorpus.Ensure(dir, fileCount, largeGb, log);
        long total = corpus.TotalBytes;
        log.WriteLine($"corpus: {corpus.Files.Count} files, {total / 1e6:N0} MB; large object {new FileInfo(corpus.LargeFile).Length / 1e6:N0} MB");
        corpus.WarmPageCache();
        var listFile = Path.Combine(dir, "files.txt");
        File.WriteAllLines(listFile, corpus.Files);

        var rows = new List<(string Metric, Measurement Ours, Measurement[] Theirs)>();
        log.WriteLine("measuring Enamel header parse ...");
        var header = EnamelRunner.HeaderParse(corpus.Files, total);
        log.WriteLine("measuring Enamel full parse ...");
        var full = EnamelRunner.FullParse(corpus.Files, total);
        log.WriteLine("measuring Enamel large object (child process) ...");
        var large = EnamelRunner.LargeInChildProcess(corpus.LargeFile);

        Measurement[] headerPeers = [], fullPeers = [], largePeers = [];
        if (peers)
        {
            log.WriteLine("measuring pydicom and dcmdump ...");
            headerPeers =
            [
                PeerRunner.Pydicom("header", "dcmread(stop_before_pixels=True)", listFile),
                PeerRunner.Dcmdump("header", ["-q", "+sb", "7fe0,0010", "+P", "0010,0010"], corpus.Files),
            ];
            fullPeers =
            [
                PeerRunner.Pydicom("full", "dcmread + PixelData", listFile),
                PeerRunner.Dcmdump("full", ["-q", "+M", "+P", "0010,0010"], corpus.Files),
            ];
            largePeers =
            [
                PeerRunner.Pydicom("large", "dcmread + frames sliced from PixelData", corpus.LargeFile),
                PeerRunner.Dcmdump("large", ["-q", "+M", "+P", "0010,0010"], [corpus.LargeFile]),
                PeerRunner.Dcmdump("large", ["-q", "-M", "+P", "0010,0010"], [corpus.LargeFile]),
            ];
        }
        rows.Add(("header", header, headerPeers));
        rows.Add(("full", full, fullPeers));
        rows.Add(("large", large, largePeers));
        Print(rows, log);
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
