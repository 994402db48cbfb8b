namespace Enamel.Dicom.Network;

/// <summary>Builds the A-ASSOCIATE-AC for a request, from the services the listener has handlers for.</summary>
internal static class AssociationNegotiator
{
    private static readonly HashSet<string> FindClasses =
    [
        DicomUids.PatientRootQueryRetrieveInformationModelFind.Value,
        DicomUids.StudyRootQueryRetrieveInformationModelFind.Value,
        "1.2.840.10008.5.1.4.31", // Modality Worklist Information Model - FIND
    ];
    private static readonly HashSet<string> MoveClasses =
        [DicomUids.PatientRootQueryRetrieveInformationModelMove.Value, DicomUids.StudyRootQueryRetrieveInformationModelMove.Value];
    private static readonly HashSet<string> GetClasses =
        [DicomUids.PatientRootQueryRetrieveInformationModelGet.Value, DicomUids.StudyRootQueryRetrieveInformationModelGet.Value];

    public static bool IsQueryRetrieve(string uid) => FindClasses.Contains(uid) || MoveClasses.Contains(uid) || GetClasses.Contains(uid);

    public static AssociateRequest Accept(AssociateRequest rq, DicomListenerOptions o)
    {
        var ac = new AssociateRequest
        {
            IsAccept = true,
            CalledAeTitle = rq.CalledAeTitle,
            CallingAeTitle = rq.CallingAeTitle,
            UserInformation = new UserInformation { MaxPduLength = o.MaxPduLength },
        };
        if (rq.UserInformation.AsyncOperations is not null) ac.UserInformation.AsyncOperations = (1, 1);
        if (rq.UserInformation.UserIdentity is { PositiveResponseRequested: true }) ac.UserInformation.UserIdentityResponse = [];
        foreach (var p in rq.PresentationContexts)
        {
            var pc = new PresentationContext(p.Id, p.AbstractSyntax, []);
            bool storage = !IsQueryRetrieve(p.AbstractSyntax) && p.AbstractSyntax != DicomUids.Verification.Value;
            bool supported = p.AbstractSyntax == DicomUids.Verification.Value
                || (FindClasses.Contains(p.AbstractSyntax) && o.FindHandler is not null)
                || (MoveClasses.Contains(p.AbstractSyntax) && o.MoveHandler is not null)
                || (GetClasses.Contains(p.AbstractSyntax) && o.GetHandler is not null)
                || (storage && (o.StoreHandler is not null || o.GetHandler is not null));
            if (!supported)
            {
                pc.Result = PresentationContextResult.AbstractSyntaxNotSupported;
            }
            else if (ChooseSyntax(p.TransferSyntaxes, storage) is { } ts)
            {
                pc.Result = PresentationContextResult.Acceptance;
                pc.TransferSyntaxes.Add(ts);
            }
            else pc.Result = PresentationContextResult.TransferSyntaxesNotSupported;
            ac.PresentationContexts.Add(pc);
        }
        // Accept every proposed role (C-GET needs the requestor as Storage SCP).
        foreach (var r in rq.UserInformation.RoleSelections) ac.UserInformation.RoleSelections.Add(r);
        return ac;
    }

    /// <summary>Storage accepts any known syntax, compressed included, in the requestor's order; other services
    /// take explicit VR little endian when offered, else another native syntax.</summary>
    private static string? ChooseSyntax(List<string> proposed, bool storage)
    {
        bool Known(string uid) => DicomTransferSyntax.All.Any(t => t.Uid == uid);
        if (storage) return proposed.FirstOrDefault(Known);
        if (proposed.Contains(DicomTransferSyntax.ExplicitVRLittleEndian.Uid)) return DicomTransferSyntax.ExplicitVRLittleEndian.Uid;
        return proposed.FirstOrDefault(DicomClient.NativeSyntaxes.Contains);
    }
}
