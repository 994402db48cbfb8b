using Enamel.Core.Studies;
using Enamel.Dicom;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// Reading stored objects on every DICOMweb path: with the archive's limits (<see cref="IngestLimits"/>, so a deflated
/// object costs at most its bound in memory), and with one answer for an object that cannot be read — a problem
/// detail naming the defect (<see cref="Hosting.ErrorResponses"/>), never a 200 cut short or a bare 500.
/// </summary>
internal static class StoredObjects
{
    public static DicomFile Open(HttpContext http, Stream stream) => InstanceIntegrity.Open(stream, Limits(http));

    /// <summary>For reads that use the pixel data: the object must pass the whole ingest check, else a clear error.</summary>
    public static DicomFile OpenImage(HttpContext http, Stream stream) => InstanceIntegrity.OpenImage(stream, Limits(http));

    /// <summary>
    /// Before a multi-part answer starts: every instance's data key can be unwrapped, so a destroyed key raises
    /// <see cref="Core.Keys.KeyDestroyedException"/> (410) while a status can still be sent.
    /// </summary>
    public static async Task EnsureKeysAsync(HttpContext http, IEnumerable<StoredInstance> instances)
    {
        var keyring = http.RequestServices.GetRequiredService<Core.Keys.IKeyring>();
        foreach (var key in instances.Select(i => i.DataKey).Distinct())
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(await keyring.UnwrapAsync(key, http.RequestAborted));
    }

    /// <summary>
    /// Opens an instance to deliver it as stored, whole (<see cref="Core.Blobs.WholeBlobs"/>): a blob that fails its
    /// integrity check (or a destroyed key) raises Core's error before the caller writes a byte — a problem detail while a
    /// status can still be sent — never a 200 cut short in the middle of the object.
    /// </summary>
    public static Task<Stream> OpenWholeAsync(Core.Blobs.IBlobStore blobs, StoredInstance instance, CancellationToken ct) =>
        Core.Blobs.WholeBlobs.OpenWholeAsync(blobs, instance.Blob.Id, ct);

    public static IngestLimits Limits(HttpContext http) => http.RequestServices.GetService<IngestLimits>() ?? IngestLimits.Default;
}
