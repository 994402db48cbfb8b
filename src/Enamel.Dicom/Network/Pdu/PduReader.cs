using System.Buffers.Binary;

namespace Enamel.Dicom.Network;

/// <summary>
/// Frames PDUs from a stream. The declared length is checked against the limit before any body byte is
/// buffered, so a peer cannot make us allocate more than we advertised.
/// </summary>
public sealed class PduReader(Stream stream, uint maxPduLength)
{
    // Association negotiation PDUs are small; allow them a fixed ceiling regardless of the P-DATA limit.
    private const uint MaxNegotiationLength = 256 * 1024;
    private readonly byte[] header = new byte[6];
    private byte[] body = new byte[Math.Min(maxPduLength, 64 * 1024)];

    /// <summary>Largest P-DATA-TF body accepted (our advertised Maximum Length Received).</summary>
    public uint MaxPduLength { get; } = maxPduLength;

    /// <summary>Total bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /*  PDU header, PS3.8 9.3.1 (every PDU):
        +--------+----------+---------------------------+
        | 1 type | 1 reserv | 4 PDU length (big endian) |  then `length` bytes of body
        +--------+----------+---------------------------+                                          */
    /// <summary>Reads the next PDU; null when the peer closed the connection cleanly between PDUs.
    /// The returned body buffer is reused by the next call.</summary>
    public async ValueTask<RawPdu?> ReadAsync(CancellationToken ct)
    {
        int got = await ReadAtLeastAsync(header, 6, allowEof: true, ct).ConfigureAwait(false);
        if (got == 0) return null;
        byte type = header[0];
        if (type is < 1 or > 7)
            throw new DicomNetworkException($"unrecognised PDU type 0x{type:X2}");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
        uint limit = type == (byte)PduType.DataTransfer ? MaxPduLength : MaxNegotiationLength;
        if (length > limit)
            throw new DicomNetworkException($"PDU type 0x{type:X2} declares length {length}, above the limit {limit}");
        if (body.Length < length) body = new byte[Math.Max(length, Math.Min((uint)body.Length * 2, limit))];
        await ReadAtLeastAsync(body, (int)length, allowEof: false, ct).ConfigureAwait(false);
        return new RawPdu((PduType)type, body, (int)length);
    }

    private async ValueTask<int> ReadAtLeastAsync(byte[] buffer, int count, bool allowEof, CancellationToken ct)
    {
        int done = 0;
        while (done < count)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(done, count - done), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (allowEof && done == 0) return 0;
                throw new DicomNetworkException($"connection closed by peer inside a PDU ({done} of {count} bytes)");
            }
            done += n;
            BytesRead += n;
        }
        return done;
    }
}
