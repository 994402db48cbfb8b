using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Enamel.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Enamel.Dicom.Tests.Network;

/// <summary>Runs dcmtk tools (failing clearly when one is missing) and provides free ports.</summary>
public static class Dcmtk
{
    public static string Locate(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var p = Path.Combine(dir, tool);
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException($"dcmtk tool '{tool}' is not installed (apt-get install dcmtk): this interop test needs it");
    }

    public static (int Exit, string Output) Run(string tool, IEnumerable<string> args, int timeoutSeconds = 60)
    {
        var psi = new ProcessStartInfo(Locate(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {timeoutSeconds} s: {stdout.Result}{stderr.Result}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Starts a long-running dcmtk server; dispose kills it.</summary>
    public static Process Start(string tool, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Locate(tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Waits until something listens on the port.</summary>
    public static void WaitForPort(int port, int timeoutSeconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { Thread.Sleep(100); }
        }
        throw new TimeoutException($"nothing listens on port {port} after {timeoutSeconds} s");
    }

    public static void Kill(Process p)
    {
        if (!p.HasExited) p.Kill(entireProcessTree: true);
        p.WaitForExit(5000);
        p.Dispose();
    }
}

/// <summary>Collects log lines so tests can assert that each failure is logged.</summary>
public sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");

    public bool WaitFor(Func<string, bool> predicate, int timeoutMs = 15000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < until)
        {
            if (Lines.Any(predicate)) return true;
            Thread.Sleep(50);
        }
        return false;
    }
}

/// <summary>Stores received files under their SOP Instance UID.</summary>
public sealed class DirectoryStoreHandler(string directory) : ICStoreHandler
{
    public ConcurrentQueue<string> Stored { get; } = new();
    public ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, request.SopInstanceUid + ".dcm");
        File.Move(request.FilePath, target, overwrite: true);
        Stored.Enqueue(target);
        return ValueTask.FromResult(DimseStatus.Success);
    }
}

/// <summary>A simple in-memory C-FIND SCP over a list of identifiers: matches on Patient Name with * wildcard.</summary>
public sealed class MemoryFindHandler(IReadOnlyList<DicomDataset> records) : ICFindHandler
{
    public async IAsyncEnumerable<DicomDataset> FindAsync(CFindRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var pattern = request.Identifier.GetString(DicomTags.PatientName) ?? "";
        foreach (var r in records)
        {
            ct.ThrowIfCancellationRequested();
            var name = r.GetString(DicomTags.PatientName) ?? "";
            bool match = pattern.Length == 0 || pattern == "*"
                || (pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern);
            if (!match) continue;
            var result = new DicomDataset();
            foreach (var e in request.Identifier)
                result.Set(r[e.Tag] ?? e);
            await Task.Yield();
            yield return result;
        }
    }
}

/// <summary>A retrieve source serving fixed files for C-MOVE and C-GET, with destinations by AE title.</summary>
public sealed class FileRetrieveHandler(IReadOnlyList<string> files, IReadOnlyDictionary<string, DicomPeer> destinations) : ICMoveHandler, ICGetHandler
{
    public ValueTask<DicomPeer?> ResolveDestinationAsync(string aeTitle, CancellationToken ct) =>
        ValueTask.FromResult(destinations.TryGetValue(aeTitle, out var p) ? p : null);

    public ValueTask<IReadOnlyList<DicomObjectSource>> GetSourcesAsync(RetrieveRequest request, CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<DicomObjectSource>>(files.Select(DicomObjectSource.FromFile).ToList());
}
