using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>WADO-URI (PS3.18 9): /wado?requestType=WADO&amp;studyUID=&amp;seriesUID=&amp;objectUID=[&amp;contentType=application/dicom][&amp;transferSyntax=]</summary>
internal static class WadoUri
{
    public static async Task GetAsync(HttpContext http, IStudyIndex index, IBlobStore blobs)
    {
        var q = http.Request.Query;
        if (!string.Equals(q["requestType"], "WADO", StringComparison.Ordinal))
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "requestType must be WADO");
            return;
        }
        string? study = q["studyUID"], series = q["seriesUID"], sop = q["objectUID"];
        if (string.IsNullOrEmpty(study) || string.IsNullOrEmpty(series) || string.IsNullOrEmpty(sop))
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "studyUID, seriesUID and objectUID are required");
            return;
        }
        var contentType = q["contentType"].ToString();
        var types = contentType.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool dicom = types.Length == 0 || types.Any(t => t is "application/dicom" or "*/*");
        if (!dicom)
        {
            if (types.Any(t => t is "image/jpeg" or "image/png"))
            {
                // PS3.18 9.1.2.1: the default contentType of WADO-URI is image/jpeg; render with windowCenter/windowWidth/rows/columns/frameNumber.
                await RenderedRs.WadoUriAsync(http, index, blobs, study, series, sop, types.Contains("image/png") && !types.Contains("image/jpeg"));
                return;
            }
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, $"contentType {contentType} is not available: use application/dicom, image/jpeg or image/png");
            return;
        }
        var found = await index.ListInstancesAsync(study, series, sop, http.RequestAborted);
        if (found.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such object");
            return;
        }
        var ts = q["transferSyntax"].ToString();
        if (ts.Length == 0) ts = "*";
        if (!InstanceContent.CanDeliver(found[0].Blob.TransferSyntaxUid, ts))
        {
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, $"cannot convert to transfer syntax {ts}");
            return;
        }
        var stored = await StoredObjects.OpenWholeAsync(blobs, found[0], http.RequestAborted); // a damaged blob: a problem detail, not a cut stream
        http.Response.ContentType = "application/dicom";
        await InstanceContent.WriteAsync(stored, StoredObjects.Limits(http), found[0], ts, http.Response.Body, http.RequestAborted);
    }
}
