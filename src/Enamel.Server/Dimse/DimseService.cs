using System.Net;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom.Network;
using Enamel.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Dimse;

/// <summary>
/// Runs the archive's DIMSE listener with the server: Storage, Query/Retrieve (patient and study root: C-FIND,
/// C-MOVE, C-GET) and Verification. DICOM TLS unless plain TCP is explicitly configured.
/// </summary>
internal sealed class DimseService(EnamelOptions options, DataFolder folder, StoreInstance store, IStudyIndex index, IBlobStore blobs,
    Enamel.Core.Access.AccessPolicy policy, Enamel.Core.Records.RecordOwners owners, Enamel.Core.Accounts.IUserStore users, Operations.EnamelMetrics metrics,
    ILoggerFactory loggers) : IHostedService
{
    private DicomListener? listener;
    private readonly EphemeralSpool spool = new();

    /// <summary>The bound port (after binding port 0 in tests).</summary>
    public int? Port => listener?.Port;

    /// <summary>Associations holding a slot now (0 when the listener is off).</summary>
    public int ActiveAssociations => listener?.ActiveAssociations ?? 0;

    private string SpoolDirectory => Path.Combine(folder.Root, "tmp", "dimse");

    /// <summary>Objects received and spooled, not yet through the ingest pipeline (the DIMSE queue depth).</summary>
    public int SpooledObjects => spool.ObjectsInMemory
        + (Directory.Exists(SpoolDirectory) ? Directory.EnumerateFiles(SpoolDirectory, "*", SearchOption.AllDirectories).Count() : 0);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.DicomEnabled) return Task.CompletedTask;
        var temp = SpoolDirectory;
        // Spooled objects are held in memory or encrypted under a key of this process only: anything a crash left is unreadable; removed before serving.
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        var peers = options.DicomPeers.ToDictionary(p => p.AeTitle, p => new DicomPeer(p.AeTitle, p.Host, p.Port), StringComparer.Ordinal);
        var access = new DimseAccess(options, users, policy, owners);
        var query = new ArchiveQueryHandler(index, blobs, peers, access);
        var logger = loggers.CreateLogger("Enamel.Dimse");
        var mapped = options.DicomAes.Select(m => m.AeTitle.Trim()).ToHashSet(StringComparer.Ordinal);
        listener = new DicomListener(new DicomListenerOptions
        {
            AeTitle = options.AeTitle,
            AllowedCallingAeTitles = options.AllowedCallingAeTitles,
            MaxAssociations = options.MaxAssociations,
            MaxAssociationsPerCallingAe = options.MaxAssociationsPerCallingAe,
            MaxAssociationsPerAddress = options.MaxAssociationsPerAddress,
            // Known = mapped to an account (DimseAccess trims the same way); the rest share MaxUnknownAeAssociations.
            IsKnownCallingAe = ae => mapped.Contains(ae.Trim()),
            MaxUnknownAeAssociations = options.MaxUnknownAeAssociations,
            EchoOnlyTimeout = options.EchoOnlyReleaseSeconds > 0 ? TimeSpan.FromSeconds(options.EchoOnlyReleaseSeconds) : null,
            TempDirectory = temp,
            Spool = spool,
            Tls = options.DicomPlainText ? null : new DicomTlsOptions { Certificate = folder.Certificate },
            StoreHandler = new ArchiveStoreHandler(store, access, metrics),
            FindHandler = query,
            MoveHandler = query,
            GetHandler = query,
            MoveClientOptions = new DicomClientOptions { CallingAeTitle = options.AeTitle, TempDirectory = temp, Logger = logger },
            Logger = logger,
        }, IPAddress.Parse(options.ListenAddress), options.DicomPort);
        listener.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (listener is not null) await listener.StopAsync();
        spool.Dispose();
    }
}
