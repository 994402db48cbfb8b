using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Hosting;

/// <summary>A request body read whole into memory up to a bound: an API's JSON or FHIR resource, never an upload of images.</summary>
internal static class BoundedBody
{
    /// <summary>The body's bytes, or null when it declares or turns out to be longer than <paramref name="max"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max) return null;
        }
        return buffer.ToArray();
    }
}
