using System.Globalization;
using System.Text;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>WADO-RS (PS3.18 10.4): studies, series and instances as multipart/related application/dicom; frames as octet-stream.</summary>
internal static class WadoRs
{
    public static Task StudyAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study) =>
        RetrieveAsync(http, index, blobs, study, null, null);

    public static Task SeriesAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series) =>
        RetrieveAsync(http, index, blobs, study, series, null);

    public static Task InstanceAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance) =>
        RetrieveAsync(http, index, blobs, study, series, instance);

    private static async Task RetrieveAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string? series, string? instance)
    {
        var accept = AcceptedDicom.Parse(http.Request.Headers.Accept.ToString());
        if (accept is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, "this resource is available as multipart/related; type=\"application/dicom\"");
            return;
        }
        var instances = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (instances.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such study, series or instance");
            return;
        }
        // Check every instance can be delivered in the requested syntax before the first byte is sent.
        foreach (var i in instances)
        {
            if (!InstanceContent.CanDeliver(i.Blob.TransferSyntaxUid, accept.TransferSyntax))
            {
                await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable,
                    $"instances stored as {DicomUids.NameOf(i.Blob.TransferSyntaxUid)} cannot be converted to {DicomUids.NameOf(accept.TransferSyntax)}");
                return;
            }
        }
        // ...and that its data key still exists: a destroyed key (disposal) answers 410 before anything is sent, not a cut stream.
        await StoredObjects.EnsureKeysAsync(http, instances);
        var boundary = "enamel-" + Guid.NewGuid().ToString("N");
        http.Response.ContentType = $"multipart/related; type=\"application/dicom\"; boundary={boundary}";
        var body = http.Response.Body;
        foreach (var i in instances)
        {
            var ts = accept.TransferSyntax == "*" ? i.Blob.TransferSyntaxUid : accept.TransferSyntax;
            // Authenticated whole before its part starts: a damaged first object is a problem detail, not a cut stream.
            // (One damaged after others were sent can only end the response early: the status is gone by then.)
            var stored = await StoredObjects.OpenWholeAsync(blobs, i, http.RequestAborted);
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom; transfer-syntax={ts}\r\n\r\n"), http.RequestAborted);
            await InstanceContent.WriteAsync(stored, StoredObjects.Limits(http), i, accept.TransferSyntax, body, http.RequestAborted);
            await body.WriteAsync("\r\n"u8.ToArray(), http.RequestAborted);
        }
        await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), http.RequestAborted);
    }

    public static async Task FramesAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance, string frames)
    {
        var list = new List<int>();
        foreach (var part in frames.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"'{part}' is not a frame number (frames are numbered from 1)");
                return;
            }
            list.Add(n);
        }
        var found = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (found.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such instance");
            return;
        }
        await using var stream = await blobs.OpenReadAsync(found[0].Blob.Id, http.RequestAborted);
        using var file = StoredObjects.OpenImage(http, stream);
        DicomPixelData pixels;
        try { pixels = DicomPixelData.Create(file); }
        catch (DicomImagingException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }
        var missing = list.FirstOrDefault(n => n > pixels.NumberOfFrames);
        if (missing > 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, $"frame {missing} does not exist; the instance has {pixels.NumberOfFrames}");
            return;
        }
        var decoded = new List<byte[]>();
        try
        {
            foreach (var n in list) decoded.Add(pixels.GetFrame(n - 1));
        }
        catch (DicomImagingException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, ex.Message);
            return;
        }
        var boundary = "enamel-" + Guid.NewGuid().ToString("N");
        http.Response.ContentType = $"multipart/related; type=\"application/octet-stream\"; boundary={boundary}";
        var body = http.Response.Body;
        foreach (var frame in decoded)
        {
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/octet-stream\r\n\r\n"), http.RequestAborted);
            await body.WriteAsync(frame, http.RequestAborted);
            await body.WriteAsync("\r\n"u8.ToArray(), http.RequestAborted);
        }
        await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), http.RequestAborted);
    }
}
