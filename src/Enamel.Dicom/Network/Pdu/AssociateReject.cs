namespace Enamel.Dicom.Network;

/// <summary>A-ASSOCIATE-RJ (PS3.8 9.3.4): result 1 permanent / 2 transient; source and reason codes of Table 9-21.</summary>
public sealed record AssociateReject(byte Result, byte Source, byte Reason)
{
    public const byte Permanent = 1, Transient = 2;
    public const byte SourceServiceUser = 1, SourceAcse = 2, SourcePresentation = 3;

    public static AssociateReject CallingAeNotRecognized => new(Permanent, SourceServiceUser, 3);
    public static AssociateReject CalledAeNotRecognized => new(Permanent, SourceServiceUser, 7);
    public static AssociateReject ApplicationContextNotSupported => new(Permanent, SourceServiceUser, 2);
    public static AssociateReject NoReasonGiven => new(Permanent, SourceServiceUser, 1);
    public static AssociateReject ProtocolVersionNotSupported => new(Permanent, SourceAcse, 2);
    public static AssociateReject LocalLimitExceeded => new(Transient, SourcePresentation, 2);
    public static AssociateReject TemporaryCongestion => new(Transient, SourcePresentation, 1);

    public string Describe()
    {
        string reason = (Source, Reason) switch
        {
            (SourceServiceUser, 1) => "no reason given",
            (SourceServiceUser, 2) => "application context name not supported",
            (SourceServiceUser, 3) => "calling AE title not recognised",
            (SourceServiceUser, 7) => "called AE title not recognised",
            (SourceAcse, 1) => "no reason given (ACSE)",
            (SourceAcse, 2) => "protocol version not supported",
            (SourcePresentation, 1) => "temporary congestion",
            (SourcePresentation, 2) => "local limit exceeded",
            _ => $"source {Source} reason {Reason}",
        };
        return $"{(Result == Transient ? "transient" : "permanent")}, {reason}";
    }

    /*  A-ASSOCIATE-RJ body, PS3.8 9.3.4: | 1 reserved | 1 result | 1 source | 1 reason/diag. |  */
    public static AssociateReject Parse(ReadOnlySpan<byte> body)
    {
        var r = new PduSpanReader(body);
        r.U8("reserved");
        return new AssociateReject(r.U8("result"), r.U8("source"), r.U8("reason"));
    }

    public byte[] Encode() => [(byte)PduType.AssociateReject, 0, 0, 0, 0, 4, 0, Result, Source, Reason];
}
