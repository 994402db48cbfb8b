using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Enamel.Bench.Archive;

/// <summary>A server under test, run as a child process (inside the bench's private network namespace).</summary>
internal sealed class ServerProcess(string name, Process process, string baseUrl, HttpClient http, int dicomPort, string calledAe) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string BaseUrl { get; } = baseUrl;              // ends with /dicom-web
    public HttpClient Http { get; } = http;
    public int DicomPort { get; } = dicomPort;
    public string CalledAe { get; } = calledAe;
    public int Pid => process.Id;

    /// <summary>Peak resident set (VmHWM) since start or since the last <see cref="ResetPeak"/>, in MB.</summary>
    public double PeakRssMb() => StatusKb("VmHWM") / 1024.0;
    public double RssMb() => StatusKb("VmRSS") / 1024.0;

    /// <summary>Resets the kernel's peak-RSS mark (writing 5 to /proc/PID/clear_refs, Linux 4.0+).</summary>
    public void ResetPeak() => File.WriteAllText($"/proc/{Pid}/clear_refs", "5");

    /// <summary>User + system CPU time consumed by the process so far, in seconds (from /proc/PID/stat).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ
    }

    private long StatusKb(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    public static async Task<ServerProcess> StartEnamelAsync(string enamelDll, string dataDir, int httpPort, int dicomPort, string log)
    {
        // DICOMweb needs credentials: a dentist account and an API token made with the admin commands, as a clinic would.
        var token = BenchToken(enamelDll, dataDir);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { enamelDll, "serve", "--data", dataDir, "--http-port", $"{httpPort}", "--dicom-port", $"{dicomPort}", "--dicom-plain", "--listen", "127.0.0.1" })
            psi.ArgumentList.Add(a);
        if (Environment.GetEnvironmentVariable("BENCH_PERFMAP") == "1") psi.Environment["DOTNET_PerfMapEnabled"] = "1"; // for perf profiling
        // storescu calls as AE BENCH: it acts as the bench account (deny by default for unmapped AEs).
        psi.Environment["Enamel__DicomAes__0__AeTitle"] = "BENCH";
        psi.Environment["Enamel__DicomAes__0__User"] = "bench";
        var p = Start(psi, log);
        var handler = Handler();
        // Trust Enamel's self-signed certificate in this client only, and only for loopback.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            cert is not null && (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var s = new ServerProcess("Enamel", p, $"https://127.0.0.1:{httpPort}/dicom-web", http, dicomPort, "ENAMEL");
        await s.WaitReadyAsync($"https://127.0.0.1:{httpPort}/health");
        return s;
    }

    private static string BenchToken(string enamelDll, string dataDir)
    {
        string Run(params string[] args) => RunEnamel(enamelDll, check: true, args);
        // Releases with `enamel init` create the folder only through it (or serve); older ones create it on any command.
        RunEnamel(enamelDll, check: false, "init", "--data", dataDir);
        Run("users", "add", "bench", "--role", "dentist", "--clinic", "main", "--data", dataDir);
        return Run("tokens", "create", "--user", "bench", "--name", "bench", "--scope", "Imaging:Read", "--scope", "Imaging:Create", "--data", dataDir);
    }

    private static string RunEnamel(string enamelDll, bool check, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(enamelDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"enamel {string.Join(' ', args)} failed: {error}");
        return output.Trim();
    }

    public static async Task<ServerProcess> StartOrthancAsync(string dir, int httpPort, int dicomPort, string log)
    {
        var plugin = new[] { "/usr/share/orthanc/plugins/libOrthancDicomWeb.so", "/usr/lib/orthanc/libOrthancDicomWeb.so.1.7" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("the Orthanc DICOMweb plugin is missing (apt-get install orthanc-dicomweb)");
        var storage = Path.Combine(dir, "storage");
        Directory.CreateDirectory(storage);
        var config = new Dictionary<string, object>
        {
            ["Name"] = "BENCH",
            ["StorageDirectory"] = storage,
            ["IndexDirectory"] = storage,
            ["StorageCompression"] = false,
            ["Plugins"] = new[] { plugin },
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = "ORTHANC",
            ["RemoteAccessAllowed"] = true,
            ["AuthenticationEnabled"] = false,
            ["KeepAlive"] = true,
            ["HttpTimeout"] = 600,
            ["SaveJobs"] = false,
            ["DicomWeb"] = new Dictionary<string, object> { ["Enable"] = true, ["Root"] = "/dicom-web/", ["EnableWado"] = true, ["WadoRoot"] = "/wado" },
        };
        var path = Path.Combine(dir, "orthanc.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
        var psi = new ProcessStartInfo("/usr/sbin/Orthanc") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        // DCMTK (Orthanc's DICOM stack) sets TCP_NODELAY on its sockets only when this variable is set; without it every
        // C-STORE response waits for Nagle and the peer's delayed ACK (~40 ms per instance): not a fair comparison.
        psi.Environment["TCP_NODELAY"] = "1";
        var p = Start(psi, log);
        var http = new HttpClient(Handler()) { Timeout = TimeSpan.FromMinutes(10) };
        var s = new ServerProcess("Orthanc", p, $"http://127.0.0.1:{httpPort}/dicom-web", http, dicomPort, "ORTHANC");
        await s.WaitReadyAsync($"http://127.0.0.1:{httpPort}/system");
        return s;
    }

    private static SocketsHttpHandler Handler() => new()
    {
        MaxConnectionsPerServer = 64,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    };

    private static Process Start(ProcessStartInfo psi, string log)
    {
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        var writer = new StreamWriter(log, append: true) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private async Task WaitReadyAsync(string url)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} during start-up (see its log)");
            try
            {
                using var r = await Http.GetAsync(url);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not answer {url} within 60 s");
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { process.Kill(); }
        }
        Http.Dispose();
        process.Dispose();
    }
}
