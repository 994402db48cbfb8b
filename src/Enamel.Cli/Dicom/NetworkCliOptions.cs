using System.CommandLine;
using Enamel.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Enamel.Cli.Dicom;

/// <summary>Options shared by the network commands (dcmtk-like spelling), and their mapping to client settings.</summary>
internal sealed class NetworkCliOptions
{
    public readonly Option<string> CallingAe = new("-aet", "--aetitle") { Description = "our (calling) AE title", DefaultValueFactory = _ => "ENAMEL" };
    public readonly Option<string> CalledAe = new("-aec", "--call") { Description = "peer (called) AE title", DefaultValueFactory = _ => "ANY-SCP" };
    public readonly Argument<string> Host = new("peer") { Description = "peer host name or address" };
    public readonly Argument<int> Port = new("port") { Description = "peer TCP port" };
    public readonly Option<bool> Tls = new("--tls") { Description = "DICOM TLS (PS3.15 B): TLS 1.2/1.3" };
    public readonly Option<string?> Cert = new("--cert") { Description = "our certificate (PEM or PFX) for mutual TLS" };
    public readonly Option<string?> Key = new("--key") { Description = "private key (PEM) of --cert" };
    public readonly Option<string?> Ca = new("--ca") { Description = "trusted CA certificates (PEM) for the peer's certificate" };
    public readonly Option<int> Timeout = new("--timeout", "-to") { Description = "seconds to wait for the peer", DefaultValueFactory = _ => 60 };
    public readonly Option<bool> Verbose = new("-v", "--verbose") { Description = "log association events to stderr" };

    public void AddTo(Command cmd)
    {
        cmd.Arguments.Add(Host);
        cmd.Arguments.Add(Port);
        foreach (var o in new Option[] { CallingAe, CalledAe, Tls, Cert, Key, Ca, Timeout, Verbose }) cmd.Options.Add(o);
    }

    public DicomClientOptions ToClient(ParseResult p)
    {
        var timeout = TimeSpan.FromSeconds(p.GetValue(Timeout));
        return new DicomClientOptions
        {
            Host = p.GetValue(Host)!,
            Port = p.GetValue(Port),
            CallingAeTitle = p.GetValue(CallingAe)!,
            CalledAeTitle = p.GetValue(CalledAe)!,
            ArtimTimeout = timeout,
            ResponseTimeout = timeout,
            Tls = TlsFrom(p, Tls, Cert, Key, Ca, server: false),
            Logger = p.GetValue(Verbose) ? new StderrLogger() : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        };
    }

    public static DicomTlsOptions? TlsFrom(ParseResult p, Option<bool> tls, Option<string?> cert, Option<string?> key, Option<string?> ca, bool server)
    {
        if (!p.GetValue(tls)) return null;
        var certPath = p.GetValue(cert);
        if (server && certPath is null) throw new ArgumentException("--tls needs --cert (and --key for PEM) on the server side");
        return new DicomTlsOptions
        {
            Certificate = certPath is null ? null : DicomTlsOptions.LoadCertificate(certPath, p.GetValue(key)),
            TrustedRoots = p.GetValue(ca) is { } caPath ? DicomTlsOptions.LoadRoots(caPath) : null,
            RequireClientCertificate = server && p.GetValue(ca) is not null,
        };
    }

    /// <summary>Runs a network action, mapping failures to one message and exit code.</summary>
    public static int Guard(Func<Task<int>> action)
    {
        try { return action().GetAwaiter().GetResult(); }
        catch (DicomNetworkException ex) { Console.Error.WriteLine($"E: {ex.Message}"); return ExitCodes.NetworkError; }
        catch (TimeoutException ex) { Console.Error.WriteLine($"E: {ex.Message}"); return ExitCodes.NetworkError; }
        catch (IOException ex) { Console.Error.WriteLine($"E: connection failed: {ex.Message}"); return ExitCodes.NetworkError; }
        catch (ArgumentException ex) { Console.Error.WriteLine($"E: {ex.Message}"); return ExitCodes.Usage; }
        catch (System.Security.Cryptography.CryptographicException ex) { Console.Error.WriteLine($"E: certificate: {ex.Message}"); return ExitCodes.InputError; }
    }
}

/// <summary>Minimal logger for the CLI: one line per event on stderr.</summary>
internal sealed class StderrLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Console.Error.WriteLine($"{logLevel.ToString()[0]}: {formatter(state, exception)}");
    }
}
