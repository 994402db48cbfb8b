namespace Enamel.Dicom.Network;

/// <summary>The fixed 10-byte PDUs: A-RELEASE-RQ/RP (PS3.8 9.3.6-7) and A-ABORT (9.3.8).</summary>
public static class SimplePdus
{
    public static byte[] ReleaseRequest() => [(byte)PduType.ReleaseRequest, 0, 0, 0, 0, 4, 0, 0, 0, 0];
    public static byte[] ReleaseResponse() => [(byte)PduType.ReleaseResponse, 0, 0, 0, 0, 4, 0, 0, 0, 0];

    /// <summary>Source 0 service user, 2 service provider; reasons (provider): 0 unspecified, 1 unrecognised PDU,
    /// 2 unexpected PDU, 4 unrecognised parameter, 5 unexpected parameter, 6 invalid parameter value.</summary>
    public static byte[] Abort(byte source, byte reason) => [(byte)PduType.Abort, 0, 0, 0, 0, 4, 0, 0, source, reason];

    /*  A-ABORT body, PS3.8 9.3.8: | 1 reserved | 1 reserved | 1 source | 1 reason/diag. |  */
    public static (byte Source, byte Reason) ParseAbort(ReadOnlySpan<byte> body)
    {
        var r = new PduSpanReader(body);
        r.Take(2, "reserved");
        return (r.U8("abort source"), r.U8("abort reason"));
    }
}
