using System.Text;
using System.Text.Json;
using System.Xml;
using Enamel.Core.Patients;
using Enamel.Fhir;
using Enamel.Fhir.Mapping;
using Enamel.Server.Access;
using Enamel.Server.Features.Patients;
using Microsoft.AspNetCore.Http;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>
/// The wire side of the FHIR endpoint: which format a client reads (<c>_format</c>, then <c>Accept</c>; JSON by default),
/// writing a resource or an OperationOutcome with the right status, and reading a client's resource (JSON or XML by
/// Content-Type, at most <see cref="MaxBody"/>): not JSON/XML at all is 400, a resource Firely's strict parser refuses
/// is 422 naming the element.
/// </summary>
internal static class FhirHttp
{
    /// <summary>A request body larger than this is refused with 413 (a resource, or a Bundle of a patient's record).</summary>
    public const int MaxBody = 2 * 1024 * 1024;

    public const string JsonType = "application/fhir+json";
    public const string XmlType = "application/fhir+xml";

    /// <summary>The gate's refusals on FHIR routes as OperationOutcomes.</summary>
    public sealed class Refusals : IRefusalWriter
    {
        public static readonly Refusals Instance = new();

        public Task WriteAsync(HttpContext http, int status, string detail) => OutcomeAsync(http, status, detail);
    }

    /// <summary>Whether the client asked for XML: <c>_format=xml</c> (or an XML media type), else an Accept naming XML and not JSON.</summary>
    public static bool WantsXml(HttpContext http)
    {
        var format = http.Request.Query["_format"].ToString().Trim().ToLowerInvariant();
        if (format.Length > 0) return format is "xml" or XmlType or "application/xml" or "text/xml";
        var accept = http.Request.Headers.Accept.ToString().ToLowerInvariant();
        return accept.Contains("xml", StringComparison.Ordinal) && !accept.Contains("json", StringComparison.Ordinal);
    }

    public static async Task WriteAsync(HttpContext http, int status, F.Resource resource)
    {
        bool xml = WantsXml(http);
        var text = xml ? FhirFormat.ToXml(resource) : FhirFormat.ToJson(resource);
        http.Response.StatusCode = status;
        http.Response.ContentType = (xml ? XmlType : JsonType) + "; charset=utf-8";
        if (resource.Meta?.VersionId is { Length: > 0 } v && resource is not F.Bundle and not F.OperationOutcome) http.Response.Headers.ETag = $"W/\"{v}\"";
        if (resource.Meta?.LastUpdated is { } at && resource is not F.Bundle and not F.OperationOutcome) http.Response.Headers.LastModified = at.ToString("R");
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), http.RequestAborted);
    }

    /// <summary>A refusal as an OperationOutcome; the issue code follows the status.</summary>
    public static Task OutcomeAsync(HttpContext http, int status, string text, string? element = null)
    {
        var code = status switch
        {
            400 => F.OperationOutcome.IssueType.Invalid,
            401 => F.OperationOutcome.IssueType.Login,
            403 => F.OperationOutcome.IssueType.Forbidden,
            404 => F.OperationOutcome.IssueType.NotFound,
            405 => F.OperationOutcome.IssueType.NotSupported,
            409 or 412 => F.OperationOutcome.IssueType.Conflict,
            413 => F.OperationOutcome.IssueType.TooLong,
            415 => F.OperationOutcome.IssueType.NotSupported,
            422 => F.OperationOutcome.IssueType.Invalid,
            428 => F.OperationOutcome.IssueType.Required,
            _ => F.OperationOutcome.IssueType.Exception,
        };
        var outcome = FhirOutcomes.Refused(code, text);
        if (element is not null) outcome.Issue[0].Expression = [element];
        return WriteAsync(http, status, outcome);
    }

    public static Task OutcomeAsync(HttpContext http, int status, F.OperationOutcome outcome) => WriteAsync(http, status, outcome);

    /// <summary>A verb's refusal: the one outcome-to-status mapping (<see cref="PatientsApi.StatusOf"/>).</summary>
    public static Task RefusedAsync<T>(HttpContext http, PatientAnswer<T> answer) => OutcomeAsync(http, PatientsApi.StatusOf(answer.Outcome), answer.Message);

    /// <summary>
    /// The client's resource, or null with the refusal written: 415 for another media type, 413 when too large, 400 when
    /// the body is not JSON (or XML) at all, 422 naming the element when Firely's strict parser refuses it.
    /// </summary>
    public static async Task<F.Resource?> ReadResourceAsync(HttpContext http)
    {
        var type = (http.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        bool xml;
        if (type is JsonType or "application/json") xml = false;
        else if (type is XmlType or "application/xml" or "text/xml") xml = true;
        else
        {
            await OutcomeAsync(http, StatusCodes.Status415UnsupportedMediaType, $"send {JsonType}, application/json or {XmlType}");
            return null;
        }
        if (await Hosting.BoundedBody.ReadAsync(http.Request, MaxBody, http.RequestAborted) is not { } body)
        {
            await OutcomeAsync(http, StatusCodes.Status413PayloadTooLarge, $"the request is larger than {MaxBody / 1024} KiB");
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            await OutcomeAsync(http, StatusCodes.Status400BadRequest, "the request is not UTF-8 text");
            return null;
        }
        // Not JSON (XML) at all: a malformed request (400). Well-formed but not a resource Enamel reads: 422 naming the element.
        string typeName = "resource";
        if (!xml)
        {
            try
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    await OutcomeAsync(http, StatusCodes.Status400BadRequest, "the request must be a JSON object (a FHIR resource)");
                    return null;
                }
                if (doc.RootElement.TryGetProperty("resourceType", out var rt) && rt.ValueKind == JsonValueKind.String && rt.GetString() is { Length: > 0 and <= 64 } named
                    && named.All(char.IsAsciiLetter)) typeName = named;
            }
            catch (JsonException e)
            {
                await OutcomeAsync(http, StatusCodes.Status400BadRequest, $"the request is not JSON: {e.Message.Split('.')[0]}");
                return null;
            }
        }
        else
        {
            try
            {
                using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
                while (reader.Read())
                    if (reader.NodeType == XmlNodeType.Element && reader.Depth == 0 && reader.LocalName.Length <= 64) typeName = reader.LocalName;
            }
            catch (XmlException e)
            {
                await OutcomeAsync(http, StatusCodes.Status400BadRequest, $"the request is not well-formed XML: {e.Message.Split('.')[0]}");
                return null;
            }
        }
        try
        {
            return FhirFormat.Parse(text, xml);
        }
        catch (FhirInputException e)
        {
            // Firely's strict parser checks cardinality too, naming the root "$this": name it by the resource type.
            var named = new FhirInputException(e.Element.Replace("$this", typeName, StringComparison.Ordinal), e.Reason.Replace("$this", typeName, StringComparison.Ordinal));
            await OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(named));
            return null;
        }
    }

    /// <summary>
    /// Firely's validator on an incoming resource: true when it finds no error; otherwise false with 422 and an
    /// OperationOutcome of the errors, each naming its element from the resource type ("Condition.subject", where the
    /// validator writes "$this.subject").
    /// </summary>
    public static async Task<bool> ValidateAsync(HttpContext http, F.Resource resource)
    {
        var errors = Enamel.Fhir.Validation.FhirValidator.Shared.Errors(resource);
        if (errors.Count == 0) return true;
        var named = errors.Select(e => e with
        {
            Element = e.Element.Trim().Replace("$this", resource.TypeName, StringComparison.Ordinal),
        }).ToList();
        await OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(named));
        return false;
    }

    /// <summary>The version an update names: If-Match W/"n" (or "n"), else meta.versionId; null with the refusal written.</summary>
    public static async Task<(int Version, bool FromHeader)?> VersionAsync(HttpContext http, F.Resource resource)
    {
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length > 0)
        {
            var v = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
            v = v.Trim('"');
            if (int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0) return (n, true);
            await OutcomeAsync(http, StatusCodes.Status400BadRequest, "If-Match: a version as W/\"n\"");
            return null;
        }
        if (resource.Meta?.VersionId is { Length: > 0 } meta)
        {
            if (int.TryParse(meta, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0) return (n, false);
            await OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, "meta.versionId: a version number (1, 2, …)", $"{resource.TypeName}.meta.versionId");
            return null;
        }
        await OutcomeAsync(http, StatusCodes.Status428PreconditionRequired, "an update names the version it replaces: If-Match: W/\"n\" (or meta.versionId)");
        return null;
    }
}
