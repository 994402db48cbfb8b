namespace Enamel.Dicom.Network;

/// <summary>SCU entry point: opens associations and builds the usual proposals.</summary>
public static class DicomClient
{
    public static readonly string[] NativeSyntaxes =
    [
        DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ImplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ExplicitVRBigEndian.Uid,
    ];

    /// <summary>Connects, sends A-ASSOCIATE-RQ and waits (ARTIM) for AC or RJ.</summary>
    public static async Task<DicomClientAssociation> ConnectAsync(DicomClientOptions options, AssociateRequest proposal, CancellationToken ct = default)
    {
        proposal.CallingAeTitle = options.CallingAeTitle;
        proposal.CalledAeTitle = options.CalledAeTitle;
        proposal.UserInformation.MaxPduLength = options.MaxPduLength;
        proposal.UserInformation.UserIdentity = options.UserIdentity;
        var stream = await TransportSecurity.ClientAsync(options, ct).ConfigureAwait(false);
        try
        {
            var reader = new PduReader(stream, options.MaxPduLength);
            await stream.WriteAsync(proposal.Encode(), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            var probe = new DimseChannel(stream, reader, 16384);
            var pdu = await probe.ReadPduAsync(options.ArtimTimeout, ct).ConfigureAwait(false)
                ?? throw new DicomNetworkException("peer closed the connection instead of answering A-ASSOCIATE-RQ");
            switch (pdu.Type)
            {
                case PduType.AssociateAccept:
                    var ac = AssociateRequest.Parse(pdu.Span, isAccept: true);
                    foreach (var pc in ac.PresentationContexts)
                        pc.AbstractSyntax = proposal.PresentationContexts.FirstOrDefault(p => p.Id == pc.Id)?.AbstractSyntax ?? "";
                    var channel = new DimseChannel(stream, reader, ac.UserInformation.MaxPduLength);
                    return new DicomClientAssociation(options, channel, ac);
                case PduType.AssociateReject:
                    throw new DicomAssociationRejectedException(AssociateReject.Parse(pdu.Span));
                case PduType.Abort:
                    var (s, r) = SimplePdus.ParseAbort(pdu.Span);
                    throw new DicomAbortException($"peer aborted during negotiation (source {s}, reason {r})", s, r);
                default:
                    throw new DicomNetworkException($"unexpected {pdu.Type} in answer to A-ASSOCIATE-RQ");
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A proposal for sending files: for each (SOP class, file transfer syntax) one context with the file's
    /// own syntax, and per SOP class one context with the native syntaxes as fallback.</summary>
    public static AssociateRequest ProposeStorage(IEnumerable<Part10Source> files)
    {
        var rq = new AssociateRequest();
        var seen = new HashSet<(string, string)>();
        foreach (var f in files)
        {
            if (seen.Add((f.SopClassUid, f.TransferSyntax.Uid)))
                rq.AddContext(f.SopClassUid, f.TransferSyntax.Uid);
            if (seen.Add((f.SopClassUid, "")))
                rq.AddContext(f.SopClassUid, NativeSyntaxes);
        }
        return rq;
    }

    /// <summary>A proposal with one context per SOP class, native syntaxes.</summary>
    public static AssociateRequest Propose(params string[] sopClasses)
    {
        var rq = new AssociateRequest();
        foreach (var c in sopClasses) rq.AddContext(c, NativeSyntaxes);
        return rq;
    }
}
