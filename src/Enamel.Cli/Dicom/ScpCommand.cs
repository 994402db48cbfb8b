using System.CommandLine;
using System.Net;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class ScpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on", Required = true };
        var aet = new Option<string>("--aet", "-aet") { Description = "our AE title", DefaultValueFactory = _ => "ENAMEL" };
        var outDir = new Option<string>("--dir", "-od") { Description = "directory for received Part 10 files", Required = true };
        var allowAet = new Option<string[]>("--allow-aet") { Description = "calling AE title allowed to associate (repeatable; default any)" };
        var allowHost = new Option<string[]>("--allow-host") { Description = "remote IP address allowed to connect (repeatable; default any)" };
        var bind = new Option<string>("--bind") { Description = "address to bind", DefaultValueFactory = _ => "0.0.0.0" };
        var maxAssoc = new Option<int>("--max-associations") { Description = "associations at once", DefaultValueFactory = _ => 64 };
        var perAe = new Option<int?>("--max-associations-per-ae") { Description = "associations one calling AE title may hold at once (default: no separate limit)" };
        var perHost = new Option<int?>("--max-associations-per-host") { Description = "associations one remote address may hold at once (default: no separate limit)" };
        var echoOnly = new Option<int?>("--echo-only-timeout") { Description = "seconds after which an association that has done nothing but C-ECHO is released (default: never)" };
        var idle = new Option<int>("--idle-timeout") { Description = "seconds without a PDU before abort", DefaultValueFactory = _ => 60 };
        var tls = new Option<bool>("--tls") { Description = "DICOM TLS (needs --cert, --key); without it the port is plain TCP" };
        var cert = new Option<string?>("--cert") { Description = "server certificate (PEM or PFX)" };
        var key = new Option<string?>("--key") { Description = "private key (PEM) of --cert" };
        var ca = new Option<string?>("--ca") { Description = "CA certificates (PEM): require client certificates signed by them (mutual TLS)" };
        var cmd = new Command("scp", "Storage SCP (like storescp): stores each received object as a Part 10 file in --dir")
        {
            port, aet, outDir, allowAet, allowHost, bind, maxAssoc, perAe, perHost, echoOnly, idle, tls, cert, key, ca,
        };
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            var dir = Path.GetFullPath(p.GetValue(outDir)!);
            Directory.CreateDirectory(dir);
            var options = new DicomListenerOptions
            {
                AeTitle = p.GetValue(aet)!,
                AllowedCallingAeTitles = p.GetValue(allowAet) ?? [],
                AllowedHosts = (p.GetValue(allowHost) ?? []).Select(IPAddress.Parse).ToArray(),
                MaxAssociations = p.GetValue(maxAssoc),
                MaxAssociationsPerCallingAe = p.GetValue(perAe),
                MaxAssociationsPerAddress = p.GetValue(perHost),
                EchoOnlyTimeout = p.GetValue(echoOnly) is { } s ? TimeSpan.FromSeconds(s) : null,
                IdleTimeout = TimeSpan.FromSeconds(p.GetValue(idle)),
                TempDirectory = Path.Combine(dir, ".incoming"),
                StoreHandler = new FolderStore(dir),
                Tls = NetworkCliOptions.TlsFrom(p, tls, cert, key, ca, server: true),
                Logger = new StderrLogger(),
            };
            await using var listener = new DicomListener(options, IPAddress.Parse(p.GetValue(bind)!), p.GetValue(port));
            listener.Start();
            var stop = new TaskCompletionSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
            await stop.Task;
            return ExitCodes.Success;
        }));
        return cmd;
    }

    /// <summary>Moves each received Part 10 file (already complete on disk) into the output folder by SOP Instance UID.</summary>
    private sealed class FolderStore(string dir) : ICStoreHandler
    {
        public ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct)
        {
            File.Move(request.FilePath, Path.Combine(dir, GetCommand.SafeName(request.SopInstanceUid) + ".dcm"), overwrite: true);
            return ValueTask.FromResult(DimseStatus.Success);
        }
    }
}
