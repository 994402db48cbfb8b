namespace Enamel.Dicom.Network;

/// <summary>Result/Reason of a presentation context in A-ASSOCIATE-AC (PS3.8 9.3.3.2).</summary>
public enum PresentationContextResult : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
    /// <summary>Not on the wire: a proposed context that the AC has not answered yet.</summary>
    Proposed = 0xFF,
}

/// <summary>A presentation context: an odd ID, one abstract syntax, and proposed (RQ) or accepted (AC) transfer syntaxes.</summary>
public sealed class PresentationContext(byte id, string abstractSyntax, IEnumerable<string> transferSyntaxes)
{
    public byte Id { get; } = id;
    public string AbstractSyntax { get; set; } = abstractSyntax;
    public List<string> TransferSyntaxes { get; } = [.. transferSyntaxes];
    public PresentationContextResult Result { get; set; } = PresentationContextResult.Proposed;

    /// <summary>The single transfer syntax of an accepted context.</summary>
    public string? AcceptedTransferSyntax => Result == PresentationContextResult.Acceptance && TransferSyntaxes.Count > 0 ? TransferSyntaxes[0] : null;

    public override string ToString() => $"#{Id} {DicomUids.NameOf(AbstractSyntax)} {Result}";
}

/// <summary>SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4).</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);

/// <summary>User Identity negotiation (PS3.7 D.3.3.7): type 1 username, 2 username + passcode.</summary>
public sealed record UserIdentity(byte Type, bool PositiveResponseRequested, string PrimaryField, string SecondaryField)
{
    public static UserIdentity UsernamePassword(string user, string password) => new(2, false, user, password);
    public static UserIdentity Username(string user) => new(1, false, user, "");
    public override string ToString() => $"type {Type}, user {PrimaryField}"; // never the secret
}

/// <summary>User Information item (PS3.8 9.3.2.3, PS3.7 Annex D.3.3).</summary>
public sealed class UserInformation
{
    /// <summary>Maximum Length Received: the largest P-DATA-TF body the sender accepts; 0 means no limit.</summary>
    public uint MaxPduLength { get; set; } = 256 * 1024;
    public string ImplementationClassUid { get; set; } = DicomImplementation.ClassUid;
    public string? ImplementationVersionName { get; set; } = DicomImplementation.VersionName;
    /// <summary>Asynchronous Operations Window (invoked, performed); null when not negotiated (both 1).</summary>
    public (ushort Invoked, ushort Performed)? AsyncOperations { get; set; }
    public List<RoleSelection> RoleSelections { get; } = [];
    /// <summary>Requestor's identity (A-ASSOCIATE-RQ only).</summary>
    public UserIdentity? UserIdentity { get; set; }
    /// <summary>Acceptor's server response (A-ASSOCIATE-AC only, when a positive response was requested).</summary>
    public byte[]? UserIdentityResponse { get; set; }
}
