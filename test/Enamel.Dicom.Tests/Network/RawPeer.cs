using System.Buffers.Binary;
using System.Net.Sockets;
using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>A hand-driven peer for robustness tests: writes whatever bytes a test wants, in whatever order.</summary>
public sealed class RawPeer : IDisposable
{
    private readonly TcpClient client = new() { NoDelay = true };
    public NetworkStream Stream { get; }

    /// <param name="localAddress">the source address to connect from (another loopback address, e.g. 127.0.0.2, is another peer)</param>
    public RawPeer(int port, System.Net.IPAddress? localAddress = null)
    {
        if (localAddress is not null) client.Client.Bind(new System.Net.IPEndPoint(localAddress, 0));
        client.Connect("127.0.0.1", port);
        Stream = client.GetStream();
        Stream.ReadTimeout = 20000;
    }

    public void Send(byte[] bytes) => Stream.Write(bytes);

    public static byte[] AssociateRequest(string called, params string[] sopClasses) => AssociateRequestFrom("RAW", called, sopClasses);

    public static byte[] AssociateRequestFrom(string calling, string called, params string[] sopClasses)
    {
        var rq = new AssociateRequest { CalledAeTitle = called, CallingAeTitle = calling };
        foreach (var c in sopClasses) rq.AddContext(c, DicomTransferSyntax.ExplicitVRLittleEndian.Uid);
        return rq.Encode();
    }

    /// <summary>Reads one whole PDU (type, body); null when the peer closed.</summary>
    public (PduType Type, byte[] Body)? ReadPdu()
    {
        var h = new byte[6];
        if (Stream.ReadAtLeast(h, 6, throwOnEndOfStream: false) < 6) return null;
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(2))];
        Stream.ReadExactly(body);
        return ((PduType)h[0], body);
    }

    /// <summary>True when the server closed the connection (reads until EOF, discarding PDUs such as A-ABORT).</summary>
    public bool WaitClosed()
    {
        try
        {
            var buf = new byte[4096];
            while (Stream.Read(buf) > 0) { }
            return true;
        }
        catch (IOException) { return true; }
    }

    public static byte[] PData(byte pcId, bool command, bool last, ReadOnlySpan<byte> data)
    {
        var b = new byte[12 + data.Length];
        b[0] = (byte)PduType.DataTransfer;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(2), (uint)(6 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(6), (uint)(2 + data.Length));
        b[10] = pcId;
        b[11] = (byte)((command ? 1 : 0) | (last ? 2 : 0));
        data.CopyTo(b.AsSpan(12));
        return b;
    }

    public void Dispose() => client.Dispose();
}
