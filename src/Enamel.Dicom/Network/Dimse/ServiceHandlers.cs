using System.Net;

namespace Enamel.Dicom.Network;

/// <summary>Who is on the other end of an association (no patient data; the identity's secret is never logged).</summary>
public sealed record AssociationInfo(string CallingAeTitle, string CalledAeTitle, EndPoint? Remote, UserIdentity? Identity);

/// <summary>A received C-STORE: the object is already on disk as a complete Part 10 file at <see cref="FilePath"/>,
/// written through <see cref="Spool"/>: read it with <see cref="OpenRead"/> (with the default plain spool the handler may
/// also move the file away). Whatever is left there is deleted after the handler returns.</summary>
public sealed record CStoreRequest(
    AssociationInfo Association, ushort MessageId, string SopClassUid, string SopInstanceUid,
    DicomTransferSyntax TransferSyntax, string FilePath, string? MoveOriginatorAeTitle)
{
    public IDicomSpool Spool { get; init; } = PlainDicomSpool.Instance;

    /// <summary>The received Part 10 file, from its start.</summary>
    public Stream OpenRead() => Spool.OpenRead(FilePath);
}

/// <summary>A C-FIND request: the SOP class (information model), and the identifier with its query keys.</summary>
public sealed record CFindRequest(AssociationInfo Association, string SopClassUid, DicomDataset Identifier)
{
    public string Level => Identifier.GetString(DicomTags.QueryRetrieveLevel) ?? "";
}

/// <summary>A C-MOVE or C-GET request.</summary>
public sealed record RetrieveRequest(AssociationInfo Association, string SopClassUid, DicomDataset Identifier, string? MoveDestination)
{
    public string Level => Identifier.GetString(DicomTags.QueryRetrieveLevel) ?? "";
}

/// <summary>Where a C-MOVE destination AE title lives.</summary>
public sealed record DicomPeer(string AeTitle, string Host, int Port);

/// <summary>Storage SCP service (PS3.4 Annex B). Returns a DIMSE status (<see cref="DimseStatus"/>).</summary>
public interface ICStoreHandler
{
    ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct);
}

/// <summary>Query SCP (PS3.4 C.4.1): each yielded identifier becomes a pending response.</summary>
public interface ICFindHandler
{
    IAsyncEnumerable<DicomDataset> FindAsync(CFindRequest request, CancellationToken ct);
}

/// <summary>Retrieve SCP for C-MOVE (PS3.4 C.4.2): resolves destinations and lists the Part 10 objects to send.</summary>
public interface ICMoveHandler
{
    ValueTask<DicomPeer?> ResolveDestinationAsync(string aeTitle, CancellationToken ct);
    ValueTask<IReadOnlyList<DicomObjectSource>> GetSourcesAsync(RetrieveRequest request, CancellationToken ct);
}

/// <summary>Retrieve SCP for C-GET (PS3.4 C.4.3): lists the Part 10 objects to return on the same association.</summary>
public interface ICGetHandler
{
    ValueTask<IReadOnlyList<DicomObjectSource>> GetSourcesAsync(RetrieveRequest request, CancellationToken ct);
}

/// <summary>Decides whether a requestor's user identity (PS3.7 D.3.3.7) is acceptable.</summary>
public interface IUserIdentityValidator
{
    ValueTask<bool> ValidateAsync(UserIdentity identity, string callingAeTitle, CancellationToken ct);
}
