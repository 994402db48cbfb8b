namespace Enamel.Dicom.Network;

/// <summary>Thrown by a service handler to end an operation with a specific failure status (e.g. 0x0124 Not Authorized).</summary>
public sealed class DimseRefusedException(ushort status, string reason) : Exception(reason)
{
    /// <summary>PS3.7 C.5: Refused: not authorized.</summary>
    public const ushort NotAuthorized = 0x0124;

    public ushort Status { get; } = status;
}
