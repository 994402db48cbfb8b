using System.Globalization;
using System.Text.Json;

namespace Enamel.Bench.Archive;

/// <summary>QIDO-RS latency over the tiny-instance index, and WADO-RS retrieve / rendered latency.</summary>
internal static class Queries
{
    public static async Task QidoAsync(BenchOptions o, ServerProcess[] servers, Report report)
    {
        int studies = o.QidoInstances / Corpus.TinyPerStudy, patients = Math.Max(1, studies / Corpus.TinyStudiesPerPatient);
        Bench.Step($"QIDO-RS study-level, {o.QidoQueries} queries per server over {o.QidoInstances} instances / {studies} studies / {patients} patients (1 client)");
        var rnd = new Random(77);
        var queries = new List<(string Kind, string Url)>();
        for (int i = 0; i < o.QidoQueries; i++)
        {
            switch (i % 3)
            {
                case 0:
                    queries.Add(("PatientID", $"/studies?PatientID={Corpus.TinyPatientId(rnd.Next(patients))}"));
                    break;
                case 1:
                    queries.Add(("PatientName", $"/studies?PatientName={Corpus.Surname(rnd.Next(patients))}*"));
                    break;
                default:
                    var from = new DateOnly(2015, 1, 1).AddDays(rnd.Next(4000));
                    queries.Add(("StudyDate", $"/studies?StudyDate={from:yyyyMMdd}-{from.AddDays(6):yyyyMMdd}"));
                    break;
            }
        }
        var counts = new Dictionary<string, List<int>>();
        var all = new Dictionary<string, List<double>>();
        foreach (var s in servers)
        {
            for (int i = 0; i < 10; i++) await DicomWebLoad.GetTextAsync(s, queries[i].Url); // warm-up
            var latencies = new List<double>();
            var byKind = queries.Select(q => q.Kind).Distinct().ToDictionary(k => k, _ => new List<double>());
            var found = new List<int>();
            int errors = 0;
            foreach (var (kind, url) in queries)
            {
                var (ms, body, status) = await DicomWebLoad.GetTextAsync(s, url);
                if (status is not (200 or 204)) errors++;
                latencies.Add(ms);
                byKind[kind].Add(ms);
                found.Add(CountResults(body));
            }
            counts[s.Name] = found;
            all[s.Name] = latencies;
            Console.WriteLine($"  {s.Name,-8} p50 {DicomWebLoad.Percentile(latencies, 50),7:0.00} ms  p99 {DicomWebLoad.Percentile(latencies, 99),7:0.00} ms  " +
                string.Join("  ", byKind.Select(k => $"{k.Key} p50 {DicomWebLoad.Percentile(k.Value, 50):0.00}")) +
                $"  ({found.Sum()} studies returned{(errors > 0 ? $", {errors} ERRORS" : "")})");
        }
        var mismatched = Enumerable.Range(0, queries.Count).Where(i => counts["Enamel"][i] != counts["Orthanc"][i]).ToList();
        foreach (var i in mismatched.Take(5)) Console.WriteLine($"  differs: {queries[i].Url}: Enamel {counts["Enamel"][i]}, Orthanc {counts["Orthanc"][i]}");
        if (mismatched.Count > 0) report.Note($"QIDO: {mismatched.Count} of {queries.Count} queries returned different study counts on the two servers");
        double e99 = DicomWebLoad.Percentile(all["Enamel"], 99), o99 = DicomWebLoad.Percentile(all["Orthanc"], 99);
        report.Add($"QIDO mixed study queries, 1 client, p50 ({o.QidoInstances / 1000}k inst.)", "ms", DicomWebLoad.Percentile(all["Enamel"], 50), DicomWebLoad.Percentile(all["Orthanc"], 50));
        report.Add($"QIDO mixed study queries, 1 client, p99 ({o.QidoInstances / 1000}k inst.)", "ms", e99, o99);
    }

    /// <summary>
    /// QIDO-RS by PatientID (a random patient each time) from <paramref name="connections"/> concurrent keep-alive connections
    /// for a fixed time: requests/s and latency percentiles. Every request is authenticated, decided and audited by Enamel.
    /// </summary>
    public static async Task QidoLoadAsync(BenchOptions o, ServerProcess[] servers, Report report, int connections = 4)
    {
        int studies = o.QidoInstances / Corpus.TinyPerStudy, patients = Math.Max(1, studies / Corpus.TinyStudiesPerPatient);
        Bench.Step($"QIDO-RS studies by PatientID under {connections} connections, {o.QidoSeconds} s per server ({patients} patients)");
        var result = new Dictionary<string, (double Rps, double P50, double P99, double CpuMs)>();
        foreach (var s in servers)
        {
            for (int i = 0; i < 20; i++) await DicomWebLoad.GetTextAsync(s, $"/studies?PatientID={Corpus.TinyPatientId(i % patients)}");
            var perConnection = Enumerable.Range(0, connections).Select(_ => new List<double>()).ToArray();
            int errors = 0, empty = 0;
            var deadline = TimeSpan.FromSeconds(o.QidoSeconds);
            double cpu = s.CpuSeconds();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
            {
                var rnd = new Random(100 + c);
                while (sw.Elapsed < deadline)
                {
                    var (ms, body, status) = await DicomWebLoad.GetTextAsync(s, $"/studies?PatientID={Corpus.TinyPatientId(rnd.Next(patients))}");
                    if (status != 200) Interlocked.Increment(ref errors);
                    else if (CountResults(body) <= 0) Interlocked.Increment(ref empty);
                    perConnection[c].Add(ms);
                }
            })));
            sw.Stop();
            var all = perConnection.SelectMany(l => l).ToList();
            result[s.Name] = (all.Count / sw.Elapsed.TotalSeconds, DicomWebLoad.Percentile(all, 50), DicomWebLoad.Percentile(all, 99), (s.CpuSeconds() - cpu) * 1000 / all.Count);
            Console.WriteLine($"  {s.Name,-8} {all.Count} requests in {sw.Elapsed.TotalSeconds:0.0} s: {result[s.Name].Rps:0} req/s, p50 {result[s.Name].P50:0.00} ms, " +
                $"p99 {result[s.Name].P99:0.00} ms, server CPU {result[s.Name].CpuMs:0.00} ms/request{(errors + empty > 0 ? $"  ({errors} errors, {empty} empty answers)" : "")}");
            if (errors + empty > 0) report.Note($"{s.Name}: QIDO under load: {errors} error statuses, {empty} answers without a study");
        }
        var (e, ot) = (result["Enamel"], result["Orthanc"]);
        report.Relative($"QIDO by PatientID, {connections} connections", "req/s", e.Rps, ot.Rps, true, 5, ">= 5x Orthanc");
        report.Relative($"QIDO by PatientID, {connections} connections, p99", "ms", e.P99, ot.P99, false, 0.2, "<= 1/5 of Orthanc");
        report.Add($"QIDO by PatientID, {connections} connections, p50", "ms", e.P50, ot.P50);
        report.Add($"QIDO by PatientID, {connections} connections, server CPU", "ms/req", e.CpuMs, ot.CpuMs);
    }

    private const string DicomAccept = "multipart/related; type=\"application/dicom\"";

    public static async Task RetrieveAsync(BenchOptions o, ServerProcess[] servers, List<string> stored, string pano, List<string> cbct, Report report)
    {
        Bench.Step($"WADO-RS instance ({o.Retrieves} intra-oral, {o.Retrieves / 4} panoramic), frame 1 ({o.Retrieves}), /rendered ({o.Renders} intra-oral + 5 panoramic), " +
            $"{cbct.Count}-instance CT series ({o.SeriesRepeats}x) and its metadata ({o.Retrieves / 4}x), 1 client");
        var rnd = new Random(5);
        var picks = Enumerable.Range(0, o.Retrieves).Select(_ => Bench.Uids(stored[rnd.Next(stored.Count)])).ToList();
        var frames = Enumerable.Range(0, o.Retrieves).Select(_ => Bench.Uids(stored[rnd.Next(stored.Count)])).ToList();
        var renders = Enumerable.Range(0, o.Renders).Select(_ => Bench.Uids(stored[rnd.Next(stored.Count)])).ToList();
        var p = Bench.Uids(pano);
        var ct = Bench.Uids(cbct[0]);
        long ctBytes = cbct.Sum(f => new FileInfo(f).Length);
        static string Path((string Study, string Series, string Sop) u) => $"/studies/{u.Study}/series/{u.Series}/instances/{u.Sop}";
        string series = $"/studies/{ct.Study}/series/{ct.Series}";
        var r = new Dictionary<string, Dictionary<string, List<double>>>();
        foreach (var s in servers)
        {
            int errors = 0;
            var m = r[s.Name] = new() { ["wado"] = [], ["pano"] = [], ["frame"] = [], ["rendered"] = [], ["panoRendered"] = [], ["seriesMBps"] = [], ["metadata"] = [] };
            async Task Time(string key, string url, string accept, long minBytes, int times = 1)
            {
                for (int i = 0; i < times; i++)
                {
                    var (ms, n, status) = await DicomWebLoad.GetAsync(s, url, accept);
                    if (status != 200 || n < minBytes) errors++;
                    m[key].Add(ms);
                }
            }
            // Warm-up of each kind of request (not timed).
            await DicomWebLoad.GetAsync(s, Path(picks[0]), DicomAccept);
            await DicomWebLoad.GetAsync(s, Path(picks[0]) + "/frames/1", "multipart/related; type=\"application/octet-stream\"");
            await DicomWebLoad.GetAsync(s, Path(picks[0]) + "/rendered", "image/jpeg");
            await DicomWebLoad.GetAsync(s, series + "/metadata", "application/dicom+json");
            foreach (var u in picks) await Time("wado", Path(u), DicomAccept, 3_000_000);
            await Time("pano", Path(p), DicomAccept, 8_000_000, o.Retrieves / 4);
            foreach (var u in frames) await Time("frame", Path(u) + "/frames/1", "multipart/related; type=\"application/octet-stream\"", 3_000_000);
            foreach (var u in renders) await Time("rendered", Path(u) + "/rendered", "image/jpeg", 1);
            await Time("panoRendered", Path(p) + "/rendered", "image/jpeg", 1, 5);
            for (int i = 0; i < o.SeriesRepeats; i++)
            {
                var (ms, n, status) = await DicomWebLoad.GetAsync(s, series, DicomAccept);
                if (status != 200 || n < ctBytes) errors++;
                m["seriesMBps"].Add(n / 1e6 / (ms / 1000));
            }
            await Time("metadata", series + "/metadata", "application/dicom+json", 1000, o.Retrieves / 4);
            Console.WriteLine($"  {s.Name,-8} WADO intra-oral p50 {P50(m["wado"]):0.0} ms, panoramic p50 {P50(m["pano"]):0.0} ms, frame 1 p50 {P50(m["frame"]):0.0} ms; " +
                $"rendered intra-oral p50 {P50(m["rendered"]):0.0} ms, panoramic {P50(m["panoRendered"]):0.0} ms; CT series {m["seriesMBps"].Max():0} MB/s (best of {o.SeriesRepeats}); " +
                $"series metadata p50 {P50(m["metadata"]):0.0} ms{(errors > 0 ? $"  {errors} ERRORS" : "")}");
            if (errors > 0) report.Note($"{s.Name}: {errors} retrieve/render requests failed or returned short bodies");
        }
        var (e, ot) = (r["Enamel"], r["Orthanc"]);
        report.Relative("WADO-RS intra-oral instance (3 MB) p50", "ms", P50(e["wado"]), P50(ot["wado"]), false, 0.5, "<= 1/2 of Orthanc");
        report.Relative("WADO-RS panoramic instance (8 MB) p50", "ms", P50(e["pano"]), P50(ot["pano"]), false, 0.5, "<= 1/2 of Orthanc");
        report.Relative("WADO-RS frame 1 (intra-oral) p50", "ms", P50(e["frame"]), P50(ot["frame"]), false, 0.5, "<= 1/2 of Orthanc");
        report.Relative("/rendered intra-oral (JPEG) p50", "ms", P50(e["rendered"]), P50(ot["rendered"]), false, 0.5, "<= 1/2 of Orthanc");
        report.Add("/rendered panoramic (JPEG) p50", "ms", P50(e["panoRendered"]), P50(ot["panoRendered"]));
        report.Relative($"whole {cbct.Count}-instance CT series (best of {o.SeriesRepeats})", "MB/s", e["seriesMBps"].Max(), ot["seriesMBps"].Max(), true, 2, ">= 2x Orthanc");
        report.Relative($"metadata of the {cbct.Count}-instance series p50", "ms", P50(e["metadata"]), P50(ot["metadata"]), false, 1.0 / 3, "<= 1/3 of Orthanc");
    }

    private static double P50(List<double> values) => DicomWebLoad.Percentile(values, 50);

    private static int CountResults(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return 0;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength() : 0;
        }
        catch (JsonException) { return -1; }
    }
}
