using System.Buffers.Binary;
using System.Text;

namespace Enamel.Dicom.Network;

/// <summary>Big-endian writer for PDUs: items are written with a placeholder length patched on close.</summary>
internal sealed class PduBuilder
{
    private byte[] buffer = new byte[1024];
    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => buffer.AsMemory(0, Length);

    private Span<byte> Grow(int n)
    {
        if (Length + n > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, Length + n));
        var s = buffer.AsSpan(Length, n);
        Length += n;
        return s;
    }

    public void U8(byte v) => Grow(1)[0] = v;
    public void U16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Grow(2), v);
    public void U32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), v);
    public void Bytes(ReadOnlySpan<byte> b) => b.CopyTo(Grow(b.Length));
    public void Zeros(int n) => Grow(n).Clear();

    public void AeTitle(string ae)
    {
        var s = Grow(16);
        s.Fill((byte)' ');
        Encoding.ASCII.GetBytes(ae.Length > 16 ? ae[..16] : ae, s);
    }

    /// <summary>Starts a PDU (type, reserved, 4-byte length); returns the mark to pass to <see cref="EndPdu"/>.</summary>
    public int BeginPdu(PduType type)
    {
        U8((byte)type);
        U8(0);
        U32(0);
        return Length;
    }

    public void EndPdu(int mark) => BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(mark - 4), (uint)(Length - mark));

    /// <summary>Starts a variable item (type, reserved, 2-byte length).</summary>
    public int BeginItem(byte type)
    {
        U8(type);
        U8(0);
        U16(0);
        return Length;
    }

    public void EndItem(int mark)
    {
        int n = Length - mark;
        if (n > ushort.MaxValue) throw new DicomNetworkException($"PDU item of {n} bytes exceeds 65535");
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(mark - 2), (ushort)n);
    }

    public void StringItem(byte type, string value)
    {
        int m = BeginItem(type);
        Bytes(Encoding.ASCII.GetBytes(value));
        EndItem(m);
    }
}
