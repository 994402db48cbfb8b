using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Enamel.Storage.Tests.Blobs;

/// <summary>OpenStack Swift with s3api on 127.0.0.1 (test/tools/swift-s3.sh), started once for the test run.</summary>
public sealed class SwiftS3Server : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "enamel-swift-" + Guid.NewGuid().ToString("N")[..8]);

    public SwiftS3Server()
    {
        Port = FreePortBlock(5);
        var script = Path.Combine(AppContext.BaseDirectory, "tools", "swift-s3.sh");
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) throw new TimeoutException("swift did not start within 120 s");
        if (p.ExitCode != 0) throw new InvalidOperationException($"swift-s3.sh failed ({p.ExitCode}): {err.Result}{output} (see .ci/run for the packages)");
    }

    public int Port { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";
    public const string AccessKey = "enamel:svc";
    public const string SecretKey = "enamel-test-secret";

    /// <summary>A base port whose next few ports are free too (the proxy plus object, container, account and memcached).</summary>
    private static int FreePortBlock(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int basePort = Random.Shared.Next(20000, 40000);
            if (Enumerable.Range(basePort, count).All(IsFree)) return basePort;
        }
        throw new InvalidOperationException("no block of free ports found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var l = new TcpListener(IPAddress.Loopback, port);
            l.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        foreach (var pidFile in Directory.Exists(Path.Combine(dir, "run")) ? Directory.GetFiles(Path.Combine(dir, "run"), "*.pid") : [])
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                try { Process.GetProcessById(pid).Kill(entireProcessTree: true); }
                catch (ArgumentException) { }
            }
        }
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SwiftCollection : ICollectionFixture<SwiftS3Server>
{
    public const string Name = "swift";
}
