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

    /// <summary>Associations at once, all calling AEs together. Checked at A-ASSOCIATE-RQ, like every limit below; beyond
    /// it the request is rejected transient, service-provider (presentation), local limit exceeded (PS3.8 9.3.4).</summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>Associations one calling AE title may hold at once; null: only <see cref="MaxAssociations"/> bounds it.</summary>
    public int? MaxAssociationsPerCallingAe { get; init; }

    /// <summary>Associations one remote IP address may hold at once, whatever AE titles it calls with; null: no such limit.</summary>
    public int? MaxAssociationsPerAddress { get; init; }

    /// <summary>
    /// Which calling AE titles the application knows (the archive: those mapped to an account). Null: every AE is known,
    /// and <see cref="MaxUnknownAeAssociations"/> does not apply.
    /// </summary>
    public Func<string, bool>? IsKnownCallingAe { get; init; }

    /// <summary>
    /// Associations all unknown calling AEs together may hold (see <see cref="IsKnownCallingAe"/>); it must be below
    /// <see cref="MaxAssociations"/>, so the rest is always room for known AEs. 0: unknown AEs are rejected permanent,
    /// calling AE title not recognised. Null: no separate share.
    /// </summary>
    public int? MaxUnknownAeAssociations { get; init; }

    /// <summary>
    /// An association on which no DIMSE operation other than C-ECHO has succeeded for this long (refused and failed
    /// operations count as nothing) is released by us (A-RELEASE-RQ; A-ABORT when the peer does not answer A-RELEASE-RP
    /// in time), so a peer cannot hold a slot by echoing. Never while an operation is running or a message is arriving.
    /// Null: not released for that reason (<see cref="IdleTimeout"/> still ends a silent association).
    /// </summary>
    public TimeSpan? EchoOnlyTimeout { get; init; }

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

    /// <summary>Throws <see cref="ArgumentException"/> for a limit that cannot work.</summary>
    public void Validate()
    {
        if (MaxAssociations < 1) throw new ArgumentException($"MaxAssociations must be at least 1 (is {MaxAssociations})");
        if (MaxAssociationsPerCallingAe is < 1) throw new ArgumentException($"MaxAssociationsPerCallingAe must be at least 1 (is {MaxAssociationsPerCallingAe})");
        if (MaxAssociationsPerAddress is < 1) throw new ArgumentException($"MaxAssociationsPerAddress must be at least 1 (is {MaxAssociationsPerAddress})");
        if (MaxUnknownAeAssociations is { } share && (share < 0 || share >= MaxAssociations))
            throw new ArgumentException($"MaxUnknownAeAssociations must be from 0 to MaxAssociations - 1 (is {share}, MaxAssociations {MaxAssociations}), so known AEs always have room");
        if (MaxUnknownAeAssociations is not null && IsKnownCallingAe is null)
            throw new ArgumentException("MaxUnknownAeAssociations needs IsKnownCallingAe (which calling AEs are known)");
        if (EchoOnlyTimeout is { } t && t <= TimeSpan.Zero) throw new ArgumentException($"EchoOnlyTimeout must be positive (is {t})");
        if (MaxPendingConnections < 1) throw new ArgumentException($"MaxPendingConnections must be at least 1 (is {MaxPendingConnections})");
    }
}
