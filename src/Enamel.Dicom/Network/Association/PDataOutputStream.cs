using System.Buffers.Binary;

namespace Enamel.Dicom.Network;

/// <summary>
/// A write-only stream that cuts a command or data set into PDVs, one per P-DATA-TF, each no larger than the
/// peer's Maximum Length Received. The last fragment is held back until <see cref="CompleteAsync"/>.
/// </summary>
internal sealed class PDataOutputStream : Stream
{
    private const int Overhead = 12; // PDU header (6) + PDV item header (6)
    private readonly Stream network;
    private readonly byte pcId;
    private readonly bool isCommand;
    private readonly byte[] pdu;
    private int fill = Overhead;

    public PDataOutputStream(Stream network, byte pcId, bool isCommand, uint peerMaxPdu)
    {
        this.network = network;
        this.pcId = pcId;
        this.isCommand = isCommand;
        // PDU body = PDV item (4 length + 2 header + data) so at most peerMax - 6 data bytes per PDU.
        uint body = peerMaxPdu == 0 ? 1u << 20 : Math.Clamp(peerMaxPdu, 64, 4u << 20);
        pdu = new byte[body + 6];
    }

    public long BytesWritten { get; private set; }

    private void Frame(bool last)
    {
        int data = fill - Overhead;
        var s = pdu.AsSpan();
        s[0] = (byte)PduType.DataTransfer;
        s[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(s[2..], (uint)(data + 6));
        BinaryPrimitives.WriteUInt32BigEndian(s[6..], (uint)(data + 2));
        s[10] = pcId;
        s[11] = (byte)((isCommand ? 1 : 0) | (last ? 2 : 0));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (fill == pdu.Length)
            {
                Frame(last: false);
                network.Write(pdu, 0, fill);
                fill = Overhead;
            }
            int n = Math.Min(buffer.Length, pdu.Length - fill);
            buffer[..n].CopyTo(pdu.AsSpan(fill));
            fill += n;
            BytesWritten += n;
            buffer = buffer[n..];
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        while (buffer.Length > 0)
        {
            if (fill == pdu.Length)
            {
                Frame(last: false);
                await network.WriteAsync(pdu.AsMemory(0, fill), ct).ConfigureAwait(false);
                fill = Overhead;
            }
            int n = Math.Min(buffer.Length, pdu.Length - fill);
            buffer.Span[..n].CopyTo(pdu.AsSpan(fill));
            fill += n;
            BytesWritten += n;
            buffer = buffer[n..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    /// <summary>Sends the held-back last fragment.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        Frame(last: true);
        await network.WriteAsync(pdu.AsMemory(0, fill), ct).ConfigureAwait(false);
        fill = Overhead;
        await network.FlushAsync(ct).ConfigureAwait(false);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
