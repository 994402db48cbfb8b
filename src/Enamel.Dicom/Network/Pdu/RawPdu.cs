namespace Enamel.Dicom.Network;

/// <summary>One PDU as framed on the wire: its type and the bytes after the 6-byte header.</summary>
public readonly record struct RawPdu(PduType Type, byte[] Body, int Length)
{
    public ReadOnlySpan<byte> Span => Body.AsSpan(0, Length);
    public ReadOnlyMemory<byte> Memory => Body.AsMemory(0, Length);
}
