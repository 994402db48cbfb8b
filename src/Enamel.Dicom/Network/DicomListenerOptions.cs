using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Enamel.Dicom.Network;

/// <summary>SCP settings and limits. Every limit is enforced before the corresponding resource is taken.</summary>
public sealed class DicomListenerOptions
{
    /// <summary>Our AE title; associations calling another title are rejected unless <see cref="AcceptAnyCalledAeTitle"/>.</summary>
    public string AeTitle { get; init; } = "ENAMEL";
    public bool AcceptAnyCalledAeTitle { get; init; }

    /// <summary>Calling AE titles allowed to associate; empty allows any.</summary>
    public IReadOnlyCollection<string> AllowedCallingAeTitles { get; init; } = [];

    /// <summary>Remote IP addresses allowed to connect; empty allows any.</summary>
    public IReadOnlyCollection<System.Net.IPAddress> AllowedHosts { get; init; } = [];

    public int MaxAssociations { get; init; } = 64;

    /// <summary>Connections still in TLS handshake or negotiation (not yet counted as associations); beyond this,
    /// new connections are closed at once, so a flood of idle sockets cannot pile up until ARTIM.</summary>
    public int MaxPendingConnections { get; init; } = 256;

    /// <summary>Maximum Length Received that we advertise and enforce for P-DATA-TF PDUs.</summary>
    public uint MaxPduLength { get; init; } = 256 * 1024;

    /// <summary>ARTIM (PS3.8 9.1.5): how long a new connection may take to send its A-ASSOCIATE-RQ.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for the next complete PDU on an established association.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest lifetime of one association.</summary>
    public TimeSpan AssociationTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Where incoming C-STORE objects are streamed before the handler takes them (same volume as the store is best).</summary>
    public string TempDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "enamel-scp");

    /// <summary>How incoming C-STORE objects are written to <see cref="TempDirectory"/> and read back (plain files by default).</summary>
    public IDicomSpool Spool { get; init; } = PlainDicomSpool.Instance;

    /// <summary>Largest C-FIND/C-MOVE/C-GET identifier accepted.</summary>
    public int MaxIdentifierLength { get; init; } = 1 << 20;

    /// <summary>TLS; null means plain TCP, which must be chosen explicitly by leaving this null.</summary>
    public DicomTlsOptions? Tls { get; init; }

    public ICStoreHandler? StoreHandler { get; init; }
    public ICFindHandler? FindHandler { get; init; }
    public ICMoveHandler? MoveHandler { get; init; }
    public ICGetHandler? GetHandler { get; init; }
    public IUserIdentityValidator? UserIdentityValidator { get; init; }

    /// <summary>AE title and settings used for C-MOVE sub-associations.</summary>
    public DicomClientOptions? MoveClientOptions { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;
}
