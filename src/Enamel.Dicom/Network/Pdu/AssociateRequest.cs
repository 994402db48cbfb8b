namespace Enamel.Dicom.Network;

/// <summary>A-ASSOCIATE-RQ (PS3.8 9.3.2); also the shape of A-ASSOCIATE-AC (<see cref="IsAccept"/>).</summary>
public sealed class AssociateRequest
{
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    public string CalledAeTitle { get; set; } = "ANY-SCP";
    public string CallingAeTitle { get; set; } = "ENAMEL";
    public string ApplicationContext { get; set; } = DicomApplicationContext;
    public List<PresentationContext> PresentationContexts { get; } = [];
    public UserInformation UserInformation { get; set; } = new();

    /// <summary>True for an A-ASSOCIATE-AC: presentation contexts carry results and one transfer syntax each.</summary>
    public bool IsAccept { get; init; }

    public PresentationContext AddContext(string abstractSyntax, params string[] transferSyntaxes)
    {
        var pc = new PresentationContext((byte)(PresentationContexts.Count * 2 + 1), abstractSyntax, transferSyntaxes);
        if (pc.Id == 0 || PresentationContexts.Count >= 128) throw new InvalidOperationException("at most 128 presentation contexts fit one association");
        PresentationContexts.Add(pc);
        return pc;
    }

    public byte[] Encode() => AssociateCodec.Encode(this);

    public static AssociateRequest Parse(ReadOnlySpan<byte> body, bool isAccept) => AssociateCodec.Parse(body, isAccept);
}
