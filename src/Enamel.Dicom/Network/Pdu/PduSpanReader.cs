using System.Buffers.Binary;
using System.Text;

namespace Enamel.Dicom.Network;

/// <summary>Bounds-checked big-endian reads over a PDU body; every overrun names the field and offset.</summary>
internal ref struct PduSpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    public int Position { get; private set; }
    public readonly int Remaining => data.Length - Position;

    public ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count < 0 || count > Remaining)
            throw new DicomNetworkException($"malformed PDU: {field} needs {count} bytes at offset {Position}, {Remaining} remain");
        var s = data.Slice(Position, count);
        Position += count;
        return s;
    }

    public byte U8(string field) => Take(1, field)[0];
    public ushort U16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));
    public uint U32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));
    public string Ascii(int count, string field) => Encoding.ASCII.GetString(Take(count, field)).TrimEnd(' ', '\0').TrimStart(' ');
}
