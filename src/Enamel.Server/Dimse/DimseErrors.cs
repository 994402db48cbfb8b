using Enamel.Core.Errors;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// The DIMSE edge's one mapping of Core's error kinds (<see cref="ErrorKind"/>): a failure status (PS3.7 C, PS3.4 B.2.3)
/// and an Error Comment of at most 64 characters with no patient data.
/// </summary>
internal static class DimseErrors
{
    // PS3.7 C / PS3.4 B.2.3 statuses.
    private const ushort OutOfResources = 0xA700;
    private const ushort CannotUnderstand = 0xC000;
    private const ushort ProcessingFailure = 0x0110;

    public static ushort Status(EnamelException e) => e.Kind switch
    {
        ErrorKind.Invalid => CannotUnderstand,
        ErrorKind.Forbidden => DimseRefusedException.NotAuthorized,
        ErrorKind.Unavailable => OutOfResources,
        _ => ProcessingFailure,
    };

    /// <summary>The Error Comment for an error kind: what the peer's operator can act on.</summary>
    public static string Comment(EnamelException e) => e.Kind switch
    {
        ErrorKind.Gone => "data key destroyed: object no longer readable",
        ErrorKind.Corrupt => "stored object failed integrity check; run enamel verify",
        ErrorKind.NotFound => "not found",
        ErrorKind.Conflict => "conflicts with a stored object",
        ErrorKind.Forbidden => "not authorized",
        ErrorKind.Unavailable => "storage unavailable; try again later",
        _ => e.Message.Length <= 64 ? e.Message : e.Message[..64],
    };

    /// <summary>The refusal an operation ends with for <paramref name="e"/>.</summary>
    public static DimseRefusedException Refusal(EnamelException e) => new(Status(e), e.Kind == ErrorKind.Invalid ? e.Message : Comment(e));
}
