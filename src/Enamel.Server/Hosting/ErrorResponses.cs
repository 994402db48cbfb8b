using Enamel.Core.Errors;
using Enamel.Core.Studies;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Hosting;

/// <summary>
/// The HTTP edge's one mapping of Core's error kinds (<see cref="ErrorKind"/>) to a status and the detail of a problem
/// document; <see cref="ResponseHardening"/> applies it to whatever an endpoint lets escape. Details name the defect,
/// never patient data or a stack.
/// </summary>
internal static class ErrorResponses
{
    /// <summary>The answer for <paramref name="e"/>, or null when it is not one of Core's error kinds (then: a logged 500).</summary>
    public static (int Status, string Detail)? For(Exception e) => e switch
    {
        UnreadableInstanceException u => (StatusCodes.Status500InternalServerError,
            $"a stored object cannot be read ({u.Reason}); `enamel verify` lists such objects for the clinic to act on"),
        EnamelException { Kind: ErrorKind.Corrupt } => (StatusCodes.Status500InternalServerError,
            "a stored object failed its integrity check (its encrypted blob is damaged); `enamel verify` lists such objects"),
        EnamelException { Kind: ErrorKind.Gone } => (StatusCodes.Status410Gone,
            "the record's data key has been destroyed (disposed at the end of retention): its objects can no longer be read"),
        EnamelException { Kind: ErrorKind.NotFound } x => (StatusCodes.Status404NotFound, x.Message),
        EnamelException { Kind: ErrorKind.Conflict } x => (StatusCodes.Status409Conflict, x.Message),
        EnamelException { Kind: ErrorKind.Invalid } x => (StatusCodes.Status400BadRequest, x.Message),
        EnamelException { Kind: ErrorKind.Forbidden } x => (StatusCodes.Status403Forbidden, x.Message),
        EnamelException { Kind: ErrorKind.Unavailable } => (StatusCodes.Status503ServiceUnavailable, "a store the server needs is unavailable; try again later"),
        _ => null,
    };
}
