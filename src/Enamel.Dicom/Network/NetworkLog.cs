using Microsoft.Extensions.Logging;

namespace Enamel.Dicom.Network;

/// <summary>Log lines of the network layer: AE titles, addresses and SOP class UIDs only, never patient data.</summary>
internal static partial class NetworkLog
{
    [LoggerMessage(1, LogLevel.Information, "DICOM listener on {EndPoint} (AE {AeTitle}, TLS {Tls})")]
    public static partial void Listening(ILogger logger, System.Net.EndPoint? endPoint, string aeTitle, bool tls);

    [LoggerMessage(2, LogLevel.Information, "association {Id} accepted: {CallingAe} -> {CalledAe} from {Remote}, {Contexts} of {Proposed} contexts")]
    public static partial void Accepted(ILogger logger, int id, string callingAe, string calledAe, System.Net.EndPoint? remote, int contexts, int proposed);

    [LoggerMessage(3, LogLevel.Warning, "association {Id} rejected: {CallingAe} -> {CalledAe} from {Remote}: {Reason}")]
    public static partial void Rejected(ILogger logger, int id, string callingAe, string calledAe, System.Net.EndPoint? remote, string reason);

    [LoggerMessage(4, LogLevel.Information, "association {Id} released by {CallingAe}")]
    public static partial void Released(ILogger logger, int id, string callingAe);

    [LoggerMessage(5, LogLevel.Warning, "association {Id} from {Remote} aborted: {Reason}")]
    public static partial void Aborted(ILogger logger, int id, System.Net.EndPoint? remote, string reason);

    [LoggerMessage(6, LogLevel.Debug, "association {Id}: C-STORE {SopClass} status 0x{Status:X4}")]
    public static partial void Stored(ILogger logger, int id, string sopClass, ushort status);

    [LoggerMessage(7, LogLevel.Warning, "connection from {Remote} refused: {Reason}")]
    public static partial void Refused(ILogger logger, System.Net.EndPoint? remote, string reason);

    [LoggerMessage(8, LogLevel.Error, "association {Id}: {Service} handler failed: {Error}")]
    public static partial void HandlerFailed(ILogger logger, int id, string service, string error);

    [LoggerMessage(9, LogLevel.Warning, "association {Id}: sub-operation C-STORE {SopClass} status 0x{Status:X4}")]
    public static partial void SubOperation(ILogger logger, int id, string sopClass, ushort status);

    [LoggerMessage(10, LogLevel.Information, "association {Id} of {CallingAe} from {Remote}: releasing, no operation but C-ECHO succeeded for {Seconds} s")]
    public static partial void ReleasingUnproductive(ILogger logger, int id, string callingAe, System.Net.EndPoint? remote, double seconds);
}
