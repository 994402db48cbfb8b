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
        report.Add($"QIDO study p50 ({o.QidoInstances / 1000}k instances)", "ms", DicomWebLoad.Percentile(all["Enamel"], 50), DicomWebLoad.Percentile(all["Orthanc"], 50), false);
        report.Add($"QIDO study p99 ({o.QidoInstances / 1000}k instances)", "ms", e99, o99, false, "<= 1/5 of Orthanc", e99 * 5 <= o99);
    }

    public static async Task RetrieveAsync(BenchOptions o, ServerProcess[] servers, List<string> stored, string pano, Report report)
    {
        Bench.Step($"WADO-RS instance retrieve ({o.Retrieves}) and /rendered ({o.Renders} intra-oral + 5 panoramic), 1 client");
        var rnd = new Random(5);
        var picks = Enumerable.Range(0, o.Retrieves).Select(_ => Bench.Uids(stored[rnd.Next(stored.Count)])).ToList();
        var renders = Enumerable.Range(0, o.Renders).Select(_ => Bench.Uids(stored[rnd.Next(stored.Count)])).ToList();
        var p = Bench.Uids(pano);
        static string Path((string Study, string Series, string Sop) u) => $"/studies/{u.Study}/series/{u.Series}/instances/{u.Sop}";
        var results = new Dictionary<string, (List<double> Wado, List<double> Rendered, List<double> Pano)>();
        foreach (var s in servers)
        {
            await DicomWebLoad.GetAsync(s, Path(picks[0]), "multipart/related; type=\"application/dicom\"");
            await DicomWebLoad.GetAsync(s, Path(picks[0]) + "/rendered", "image/jpeg");
            var wado = new List<double>();
            var rendered = new List<double>();
            var panoMs = new List<double>();
            int errors = 0;
            long bytes = 0;
            foreach (var u in picks)
            {
                var (ms, n, status) = await DicomWebLoad.GetAsync(s, Path(u), "multipart/related; type=\"application/dicom\"");
                if (status != 200 || n < 3_000_000) errors++;
                bytes += n;
                wado.Add(ms);
            }
            foreach (var u in renders)
            {
                var (ms, n, status) = await DicomWebLoad.GetAsync(s, Path(u) + "/rendered", "image/jpeg");
                if (status != 200 || n == 0) errors++;
                rendered.Add(ms);
            }
            for (int i = 0; i < 5; i++)
            {
                var (ms, n, status) = await DicomWebLoad.GetAsync(s, Path(p) + "/rendered", "image/jpeg");
                if (status != 200 || n == 0) errors++;
                panoMs.Add(ms);
            }
            results[s.Name] = (wado, rendered, panoMs);
            Console.WriteLine($"  {s.Name,-8} WADO p50 {DicomWebLoad.Percentile(wado, 50),7:0.0} ms p99 {DicomWebLoad.Percentile(wado, 99),7:0.0} ms ({bytes / 1e6 / wado.Sum() * 1000:0} MB/s); " +
                $"rendered IO p50 {DicomWebLoad.Percentile(rendered, 50):0.0} ms p99 {DicomWebLoad.Percentile(rendered, 99):0.0} ms; pano p50 {DicomWebLoad.Percentile(panoMs, 50):0.0} ms" +
                (errors > 0 ? $"  {errors} ERRORS" : ""));
            if (errors > 0) report.Note($"{s.Name}: {errors} retrieve/render requests failed or returned short bodies");
        }
        var e = results["Enamel"];
        var ot = results["Orthanc"];
        report.Add("WADO-RS instance (3 MB) p50", "ms", DicomWebLoad.Percentile(e.Wado, 50), DicomWebLoad.Percentile(ot.Wado, 50), false);
        report.Add("WADO-RS instance (3 MB) p99", "ms", DicomWebLoad.Percentile(e.Wado, 99), DicomWebLoad.Percentile(ot.Wado, 99), false);
        report.Add("/rendered intra-oral (JPEG) p50", "ms", DicomWebLoad.Percentile(e.Rendered, 50), DicomWebLoad.Percentile(ot.Rendered, 50), false);
        report.Add("/rendered intra-oral (JPEG) p99", "ms", DicomWebLoad.Percentile(e.Rendered, 99), DicomWebLoad.Percentile(ot.Rendered, 99), false);
        report.Add("/rendered panoramic (JPEG) p50", "ms", DicomWebLoad.Percentile(e.Pano, 50), DicomWebLoad.Percentile(ot.Pano, 50), false);
    }

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
