using System.Buffers.Binary;

namespace Enamel.Dicom.Network;

/// <summary>One Presentation Data Value of a P-DATA-TF: a fragment of a command or data set.</summary>
public readonly record struct Pdv(byte PresentationContextId, bool IsCommand, bool IsLast, int Offset, int Length);

/// <summary>P-DATA-TF parsing (PS3.8 9.3.5, Annex E.2).</summary>
public static class PDataTf
{
    /*  P-DATA-TF body: one or more PDV items
        +------------------------+---------+------------------------------+-------------------+
        | 4 item length (BE)     | 1 pc id | 1 message control header     | fragment (len-2)  |
        +------------------------+---------+------------------------------+-------------------+
        control header: bit 0 = 1 command / 0 data set; bit 1 = 1 last fragment; other bits 0.          */
    public static List<Pdv> Parse(ReadOnlySpan<byte> body)
    {
        var list = new List<Pdv>(2);
        int pos = 0;
        while (pos < body.Length)
        {
            if (body.Length - pos < 6) throw new DicomNetworkException($"malformed P-DATA-TF: truncated PDV header at offset {pos}");
            uint len = BinaryPrimitives.ReadUInt32BigEndian(body[pos..]);
            if (len < 2 || len > body.Length - pos - 4)
                throw new DicomNetworkException($"malformed P-DATA-TF: PDV length {len} at offset {pos} overruns the PDU of {body.Length} bytes");
            byte pc = body[pos + 4];
            byte mch = body[pos + 5];
            if ((mch & 0xFC) != 0) throw new DicomNetworkException($"malformed P-DATA-TF: message control header 0x{mch:X2} at offset {pos + 5}");
            list.Add(new Pdv(pc, (mch & 1) != 0, (mch & 2) != 0, pos + 6, (int)len - 2));
            pos += 4 + (int)len;
        }
        if (list.Count == 0) throw new DicomNetworkException("malformed P-DATA-TF: no PDV");
        return list;
    }
}
