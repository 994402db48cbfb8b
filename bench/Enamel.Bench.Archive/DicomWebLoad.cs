using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Enamel.Bench.Archive;

/// <summary>The load: STOW-RS uploads, QIDO-RS and WADO-RS requests over HTTP/1.1 keep-alive connections.</summary>
internal static class DicomWebLoad
{
    public sealed record Ingest(int Instances, long Bytes, TimeSpan Elapsed, int Failures)
    {
        /// <summary>Server CPU seconds (user + system) spent during the ingest.</summary>
        public double ServerCpu { get; set; }
        public double CpuMsPerMB => ServerCpu * 1000 / (Bytes / 1e6);
        public double CpuMsPerInstance => ServerCpu * 1000 / Instances;
        public double InstancesPerSecond => Instances / Elapsed.TotalSeconds;
        public double MBPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;
    }

    /// <summary>STOWs each file as its own request (one instance per request, as a modality bridge would), with <paramref name="clients"/> concurrent clients.</summary>
    public static Task<Ingest> StowFilesAsync(ServerProcess server, IReadOnlyList<string> files, int clients) =>
        RunAsync(server, files, clients, f => StowFileAsync(server, f), f => new FileInfo(f).Length, 1);

    /// <summary>STOWs the files <paramref name="perRequest"/> to a request (one multipart body each), with <paramref name="clients"/> concurrent clients.</summary>
    public static Task<Ingest> StowGroupsAsync(ServerProcess server, IReadOnlyList<string> files, int perRequest, int clients)
    {
        var groups = files.Chunk(perRequest).Select(g => string.Join('\n', g)).ToList();
        return RunAsync(server, groups, clients, async g =>
        {
            var streams = new List<Stream>();
            try
            {
                var multipart = new MultipartContent("related", Corpus.Boundary);
                multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
                foreach (var f in g.Split('\n'))
                {
                    var file = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    streams.Add(file);
                    var part = new StreamContent(file, 1 << 16);
                    part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                    multipart.Add(part);
                }
                return await PostAsync(server, multipart);
            }
            finally { foreach (var st in streams) await st.DisposeAsync(); }
        }, g => g.Split('\n').Sum(f => new FileInfo(f).Length), 0, g => g.Split('\n').Length);
    }

    /// <summary>STOWs ready-made multipart bodies of <paramref name="perBatch"/> instances each.</summary>
    public static Task<Ingest> StowBatchesAsync(ServerProcess server, IReadOnlyList<string> batches, int clients, int perBatch) =>
        RunAsync(server, batches, clients, async b =>
        {
            var content = new ByteArrayContent(await File.ReadAllBytesAsync(b));
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={Corpus.Boundary}");
            return await PostAsync(server, content);
        }, b => new FileInfo(b).Length, perBatch);

    private static async Task<Ingest> RunAsync(ServerProcess server, IReadOnlyList<string> items, int clients, Func<string, Task<bool>> send, Func<string, long> size, int perItem,
        Func<string, int>? count = null)
    {
        int next = -1, failures = 0;
        long bytes = items.Sum(size);
        double cpu = server.CpuSeconds();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
                if (!await send(items[i])) Interlocked.Increment(ref failures);
        })));
        sw.Stop();
        return new Ingest(count is null ? items.Count * perItem : items.Sum(count), bytes, sw.Elapsed, failures) { ServerCpu = server.CpuSeconds() - cpu };
    }

    public static async Task<bool> StowFileAsync(ServerProcess server, string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var multipart = new MultipartContent("related", Corpus.Boundary);
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new StreamContent(file, 1 << 16);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        multipart.Add(part);
        return await PostAsync(server, multipart);
    }

    private static async Task<bool> PostAsync(ServerProcess server, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, server.BaseUrl + "/studies") { Content = content, Version = HttpVersion.Version11 };
        request.Headers.Accept.ParseAdd("application/dicom+json");
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsStringAsync();
        // A Failed SOP Sequence (0008,1198) with items in the response means some instance was refused.
        bool ok = response.StatusCode == HttpStatusCode.OK && !HasFailures(body);
        if (!ok && Interlocked.Increment(ref reported) <= 3)
            Console.WriteLine($"  {server.Name}: STOW answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
        return ok;
    }

    private static int reported;

    private static bool HasFailures(string body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("00081198", out var failed) && failed.TryGetProperty("Value", out var items) && items.GetArrayLength() > 0;
        }
        catch (System.Text.Json.JsonException) { return true; }
    }

    /// <summary>Times one GET (body read to the end); returns the latency and the body length, or -1 on an error status.</summary>
    public static async Task<(double Ms, long Bytes, int Status)> GetAsync(ServerProcess server, string relative, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + relative) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var sw = Stopwatch.StartNew();
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        long n = 0;
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) n += read;
        sw.Stop();
        return (sw.Elapsed.TotalMilliseconds, n, (int)response.StatusCode);
    }

    /// <summary>GET returning the body as text (for QIDO result counts).</summary>
    public static async Task<(double Ms, string Body, int Status)> GetTextAsync(ServerProcess server, string relative)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + relative) { Version = HttpVersion.Version11 };
        request.Headers.Accept.ParseAdd("application/dicom+json");
        var sw = Stopwatch.StartNew();
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsStringAsync();
        sw.Stop();
        return (sw.Elapsed.TotalMilliseconds, body, (int)response.StatusCode);
    }

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
