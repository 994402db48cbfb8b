using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Enamel.Dicom.Network;

/// <summary>SCU settings: the peer, our identity, limits and timeouts.</summary>
public sealed record DicomClientOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 104;
    public string CallingAeTitle { get; init; } = "ENAMEL";
    public string CalledAeTitle { get; init; } = "ANY-SCP";
    public uint MaxPduLength { get; init; } = 256 * 1024;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>ARTIM: wait for A-ASSOCIATE-AC/RJ and for A-RELEASE-RP.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Longest wait for the next PDU of a DIMSE response.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public DicomTlsOptions? Tls { get; init; }
    public UserIdentity? UserIdentity { get; init; }
    /// <summary>Where objects received by C-GET are streamed before the store callback takes them.</summary>
    public string TempDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "enamel-scu");
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
