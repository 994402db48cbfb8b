using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Enamel.Server.Tests;

/// <summary>Reads the parts of a multipart/related response.</summary>
public static class Multipart
{
    public static async Task<List<byte[]>> ReadAsync(HttpResponseMessage response) => [.. (await ReadTypedAsync(response)).Select(p => p.Bytes)];

    /// <summary>Each part with its Content-Type header as sent.</summary>
    public static async Task<List<(string? ContentType, byte[] Bytes)>> ReadTypedAsync(HttpResponseMessage response)
    {
        var type = MediaTypeHeaderValue.Parse(response.Content.Headers.ContentType!.ToString());
        Assert.Equal("multipart/related", type.MediaType.ToString());
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).ToString(), await response.Content.ReadAsStreamAsync())
        { BodyLengthLimit = null };
        var parts = new List<(string?, byte[])>();
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync()) is not null)
        {
            var ms = new MemoryStream();
            await section.Body.CopyToAsync(ms);
            parts.Add((section.ContentType, ms.ToArray()));
        }
        return parts;
    }
}
