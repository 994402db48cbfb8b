using Enamel.Core.Keys;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Storage.Crypto;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// Reading stored objects on every DICOMweb path: with the archive's limits (<see cref="IngestLimits"/>, so a deflated
/// object costs at most its bound in memory), and with one answer for an object that cannot be read — a problem
/// detail naming the defect, never a 200 cut short or a bare 500.
/// </summary>
internal static class StoredObjects
{
    public static DicomFile Open(HttpContext http, Stream stream) => InstanceIntegrity.Open(stream, Limits(http));

    /// <summary>For reads that use the pixel data: the object must pass the whole ingest check, else a clear error.</summary>
    public static DicomFile OpenImage(HttpContext http, Stream stream) => InstanceIntegrity.OpenImage(stream, Limits(http));

    public static IngestLimits Limits(HttpContext http) => http.RequestServices.GetService<IngestLimits>() ?? IngestLimits.Default;

    /// <summary>
    /// The answer for a stored object that cannot be served (an error kind Core or Storage raises), or null for any
    /// other failure. <see cref="Hosting.ResponseHardening"/> maps it once for every endpoint.
    /// </summary>
    public static (int Status, string Detail)? Failure(Exception e) => e switch
    {
        UnreadableInstanceException u => (StatusCodes.Status500InternalServerError,
            $"a stored object cannot be read ({u.Reason}); `enamel verify` lists such objects for the clinic to act on"),
        BlobCorruptException => (StatusCodes.Status500InternalServerError,
            "a stored object failed its integrity check (its encrypted blob is damaged); `enamel verify` lists such objects"),
        KeyDestroyedException => (StatusCodes.Status410Gone,
            "the record's data key has been destroyed (disposed at the end of retention): its objects can no longer be read"),
        _ => null,
    };
}
