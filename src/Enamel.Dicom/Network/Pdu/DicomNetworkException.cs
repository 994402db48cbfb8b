namespace Enamel.Dicom.Network;

/// <summary>A protocol violation or a refused association. The message never carries patient data.</summary>
public class DicomNetworkException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The peer, or this side, aborted the association (A-ABORT, PS3.8 9.3.8).</summary>
public sealed class DicomAbortException(string message, byte source, byte reason) : DicomNetworkException(message)
{
    public byte AbortSource { get; } = source;
    public byte AbortReason { get; } = reason;
}

/// <summary>The peer rejected the association (A-ASSOCIATE-RJ, PS3.8 9.3.4).</summary>
public sealed class DicomAssociationRejectedException(AssociateReject reject)
    : DicomNetworkException($"association rejected: {reject.Describe()}")
{
    public AssociateReject Reject { get; } = reject;
}
