using System.Text.Json;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// WADO-RS metadata (PS3.18 10.4.1.1.2) and bulk data: every attribute as DICOM JSON, with values above 1 KiB as
/// BulkDataURI pointing at /bulkdata/{path}. Pixel data stays encrypted at rest and is not decrypted to answer this.
/// </summary>
internal static class MetadataRs
{
    private const long InlineThreshold = 1024;

    public static Task StudyAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study) =>
        WriteAsync(http, index, blobs, study, null, null);

    public static Task SeriesAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series) =>
        WriteAsync(http, index, blobs, study, series, null);

    public static Task InstanceAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance) =>
        WriteAsync(http, index, blobs, study, series, instance);

    private static async Task WriteAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string? series, string? instance)
    {
        var instances = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (instances.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such study, series or instance");
            return;
        }
        var baseUrl = PublicBase.DicomWeb(http);
        // Every instance is read before the first byte is sent: an unreadable one answers a clear error, never a 200 cut short.
        var documents = new List<MemoryStream>(instances.Count);
        foreach (var i in instances)
        {
            var buffer = new MemoryStream();
            await using (var stream = await blobs.OpenReadAsync(i.Blob.Id, http.RequestAborted))
            using (var file = StoredObjects.Open(http, stream))
            {
                var instanceUrl = $"{baseUrl}/studies/{i.StudyInstanceUid}/series/{i.SeriesInstanceUid}/instances/{i.SopInstanceUid}";
                DicomJsonWriter.Write(buffer, file.Dataset, new DicomJsonWriterOptions
                {
                    InlineThreshold = InlineThreshold,
                    BulkDataUri = (path, _) => $"{instanceUrl}/bulkdata/{path}",
                });
            }
            documents.Add(buffer);
        }
        http.Response.ContentType = "application/dicom+json";
        await http.Response.Body.WriteAsync("["u8.ToArray(), http.RequestAborted);
        bool first = true;
        foreach (var buffer in documents)
        {
            if (!first) await http.Response.Body.WriteAsync(","u8.ToArray(), http.RequestAborted);
            first = false;
            buffer.Position = 0;
            await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
        await http.Response.Body.WriteAsync("]"u8.ToArray(), http.RequestAborted);
    }

    /// <summary>GET …/instances/{i}/bulkdata/{path}: one value (path "GGGGEEEE" or "GGGGEEEE/item/GGGGEEEE…") as application/octet-stream.</summary>
    public static async Task BulkDataAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance, string path)
    {
        var found = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (found.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such instance");
            return;
        }
        await using var stream = await blobs.OpenReadAsync(found[0].Blob.Id, http.RequestAborted);
        using var file = StoredObjects.Open(http, stream);
        var element = Resolve(file.Dataset, path);
        if (element is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, $"no bulk data at {path}");
            return;
        }
        var boundary = "enamel-" + Guid.NewGuid().ToString("N");
        http.Response.ContentType = $"multipart/related; type=\"application/octet-stream\"; boundary={boundary}";
        var body = http.Response.Body;
        await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n"), http.RequestAborted);
        switch (element)
        {
            case DicomValueElement v:
                await CopyValueAsync(v.Value, body, http.RequestAborted);
                break;
            case DicomFragmentSequence f:
                foreach (var fragment in f.Fragments) await CopyValueAsync(fragment, body, http.RequestAborted);
                break;
        }
        await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"), http.RequestAborted);
    }

    private static async Task CopyValueAsync(DicomValue value, Stream output, CancellationToken ct)
    {
        var chunk = new byte[1 << 20];
        for (long done = 0; done < value.Length;)
        {
            int n = (int)Math.Min(chunk.Length, value.Length - done);
            value.Read(done, chunk.AsSpan(0, n));
            await output.WriteAsync(chunk.AsMemory(0, n), ct);
            done += n;
        }
    }

    private static DicomElement? Resolve(DicomDataset ds, string path)
    {
        var parts = path.Split('/');
        var current = ds;
        for (int i = 0; i < parts.Length; i++)
        {
            if (!DicomTag.TryParse(parts[i], out var tag) || parts[i].Length != 8) return null;
            var e = current[tag];
            if (i == parts.Length - 1) return e is DicomSequence ? null : e;
            if (e is not DicomSequence seq || i + 1 >= parts.Length || !int.TryParse(parts[i + 1], out var item) || item < 0 || item >= seq.Items.Count) return null;
            current = seq.Items[item];
            i++;
        }
        return null;
    }
}
