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
        var accept = AcceptedDicom.Parse(MediaRange.AcceptOf(http));
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
        var choices = AcceptedFrames.Parse(MediaRange.AcceptOf(http));
        string? why = null;
        foreach (var choice in choices)
        {
            var (served, frameBytes, reason) = Produce(pixels, file.TransferSyntax.Uid, choice, list);
            if (frameBytes is null)
            {
                why ??= reason;
                continue;
            }
            var boundary = "enamel-" + Guid.NewGuid().ToString("N");
            http.Response.ContentType = $"multipart/related; type=\"{choice.PartType}\"; boundary={boundary}";
            var body = http.Response.Body;
            foreach (var frame in frameBytes)
            {
                await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: {choice.PartType}; transfer-syntax={served}\r\n\r\n"), http.RequestAborted);
                await body.WriteAsync(frame, http.RequestAborted);
                await body.WriteAsync("\r\n"u8.ToArray(), http.RequestAborted);
            }
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), http.RequestAborted);
            return;
        }
        await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, why ??
            "frames are available as multipart/related; type=\"application/octet-stream\" (transfer-syntax=* for as stored, or a transfer syntax UID), image/jpeg, image/jls, image/jp2, image/jpx or image/dicom-rle");
    }

    /// <summary>
    /// The frames in the syntax <paramref name="choice"/> names: as stored (the stored fragments, or native frames as
    /// Explicit VR Little Endian bytes), decoded to native, or decoded and encoded with the target's codec. Null frames
    /// and a reason when this choice cannot be produced (no encoder, or the encoder refuses this image).
    /// </summary>
    private static (string Syntax, List<byte[]>? Frames, string? Reason) Produce(DicomPixelData pixels, string stored, AcceptedFrames choice, List<int> frames)
    {
        string target;
        if (choice.TransferSyntax == "*")
        {
            if (!pixels.IsEncapsulated) target = AcceptedFrames.ExplicitLittle; // native frames are always little endian bytes
            else if (choice.AsStoredFits(stored)) target = stored;
            else return ("", null, $"frames stored as {DicomUids.NameOf(stored)} cannot be sent as {choice.PartType} as stored");
        }
        else target = choice.TransferSyntax;
        DicomTransferSyntax syntax;
        try { syntax = DicomTransferSyntax.FromUid(target); }
        catch (DicomFormatException) { return ("", null, $"'{target}' is not a transfer syntax"); }
        try
        {
            if (!syntax.IsEncapsulated)
            {
                // Frame bytes are the same in both little endian syntaxes; big endian and deflated have no frame form.
                if (target is not (AcceptedFrames.ExplicitLittle or AcceptedFrames.ImplicitLittle))
                    return ("", null, $"frames cannot be sent as {syntax.Name}: ask for {AcceptedFrames.ExplicitLittle} or a compressed syntax");
                return (target, [.. frames.Select(n => pixels.GetFrame(n - 1))], null);
            }
            if (pixels.IsEncapsulated && target == stored) return (target, [.. frames.Select(n => pixels.GetEncodedFrame(n - 1))], null);
            if (!pixels.Codecs.TryGet(target, out var codec) || !codec.CanEncode)
                return ("", null, $"frames cannot be encoded as {syntax.Name}: no encoder");
            var info = pixels.DecodedInfo;
            return (target, [.. frames.Select(n => codec.Encode(pixels.GetFrame(n - 1), info).Encoded)], null);
        }
        catch (DicomImagingException ex)
        {
            return ("", null, $"frames stored as {DicomUids.NameOf(stored)} cannot be sent as {syntax.Name}: {ex.Message}");
        }
    }
}
