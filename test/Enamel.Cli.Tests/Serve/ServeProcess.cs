using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Enamel.Cli.Tests.Serve;

/// <summary>`enamel serve` as a separate process on 127.0.0.1 (plain DICOM, HTTPS with its generated certificate), its console output kept.</summary>
public sealed class ServeProcess : IDisposable
{
    private readonly StringBuilder output = new();

    private ServeProcess(Process process, int httpPort, int dicomPort)
    {
        Process = process;
        HttpPort = httpPort;
        DicomPort = dicomPort;
    }

    public Process Process { get; }
    public int HttpPort { get; }
    public int DicomPort { get; }

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    public static ServeProcess Start(string data, IReadOnlyDictionary<string, string>? environment = null)
    {
        int httpPort = FreePort(), dicomPort = FreePort();
        var psi = Enamel.StartInfo("serve", "--data", data, "--listen", "127.0.0.1", "--http-port", httpPort.ToString(CultureInfo.InvariantCulture),
            "--dicom-port", dicomPort.ToString(CultureInfo.InvariantCulture), "--dicom-plain");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var server = new ServeProcess(Process.Start(psi)!, httpPort, dicomPort);
        server.Process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server.Process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server.Process.BeginOutputReadLine();
        server.Process.BeginErrorReadLine();
        return server;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    /// <summary>Waits until both the DIMSE and the HTTPS port accept connections.</summary>
    public async Task WaitUntilListeningAsync()
    {
        await WaitForPortAsync(DicomPort);
        await WaitForPortAsync(HttpPort);
    }

    private async Task WaitForPortAsync(int port)
    {
        bool listening = await global::Enamel.TestShared.Poll.UntilAsync(async () =>
        {
            if (Process.HasExited) throw new InvalidOperationException($"enamel serve exited with {Process.ExitCode}: {Output}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        if (!listening) throw new TimeoutException($"enamel serve did not open port {port}");
    }

    /// <summary>A client for this server's HTTPS port (its self-signed certificate accepted), with a bearer token.</summary>
    public HttpClient Client(string token)
    {
        var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        { BaseAddress = new Uri($"https://127.0.0.1:{HttpPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
