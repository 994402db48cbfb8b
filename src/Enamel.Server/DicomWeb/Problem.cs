using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>RFC 9457 problem details for DICOMweb errors (no patient data in the text).</summary>
internal static class Problem
{
    public static Task WriteAsync(HttpContext http, int status, string detail, string? warning = null)
    {
        http.Response.StatusCode = status;
        if (warning is not null) http.Response.Headers["Warning"] = $"299 Enamel: \"{warning.Replace("\"", "'")}\"";
        return http.Response.WriteAsJsonAsync(new { type = "about:blank", status, detail }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", http.RequestAborted);
    }
}
