using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Enamel.Fhir;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Http;
using static Enamel.Server.Fhir.FhirEndpoints;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>
/// <c>POST /fhir</c> with a batch Bundle: each entry is one interaction (GET read/vread/history/search/$everything, POST
/// create, PUT update with <c>request.ifMatch</c>), run by the same handler as its own route, for the same caller and
/// purpose; each handler's verb decides (and audits) that entry on its own, so one refused entry does not stop the
/// others. The answer is a batch-response Bundle, one entry per request in order, with its status, ETag and resource
/// (or OperationOutcome). A transaction Bundle loads one patient's record all or nothing (<see cref="FhirTransaction"/>).
/// </summary>
internal static partial class FhirBatch
{
    /// <summary>At most this many entries in one batch.</summary>
    public const int MaxEntries = 100;

    [GeneratedRegex(@"^([A-Za-z]{1,64})(?:/([A-Za-z0-9\-\.]{1,64})(?:/(_history(?:/([0-9]{1,9}))?|\$everything))?)?$")]
    private static partial Regex Url();

    public static async Task PostAsync(HttpContext http)
    {
        if (await FhirHttp.ReadResourceAsync(http) is not { } resource) return;
        if (resource is not F.Bundle bundle)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"POST {Prefix} takes a batch or transaction Bundle, not a {resource.TypeName}", "resourceType");
            return;
        }
        if (bundle.Type is not (F.Bundle.BundleType.Batch or F.Bundle.BundleType.Transaction))
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "Bundle.type must be batch or transaction", "Bundle.type");
            return;
        }
        if (bundle.Entry.Count > MaxEntries)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status413PayloadTooLarge, $"at most {MaxEntries} entries in one Bundle", "Bundle.entry");
            return;
        }
        if (bundle.Type == F.Bundle.BundleType.Transaction)
        {
            await FhirTransaction.RunAsync(http, bundle);
            return;
        }
        var answer = new F.Bundle { Type = F.Bundle.BundleType.BatchResponse };
        for (int i = 0; i < bundle.Entry.Count; i++)
            answer.Entry.Add(await RunAsync(http, bundle.Entry[i], i));
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, answer);
    }

    private static async Task<F.Bundle.EntryComponent> RunAsync(HttpContext http, F.Bundle.EntryComponent entry, int index)
    {
        var request = entry.Request;
        if (request?.Method is not { } method || string.IsNullOrEmpty(request.Url))
            return Failed(StatusCodes.Status400BadRequest, $"Bundle.entry[{index}].request: a method and a url");
        var raw = request.Url;
        if (raw.StartsWith(BaseOf(http) + "/", StringComparison.Ordinal)) raw = raw[(BaseOf(http).Length + 1)..];
        var (path, query) = raw.IndexOf('?') is var q and >= 0 ? (raw[..q], raw[q..]) : (raw, "");
        var m = Url().Match(path);
        if (!m.Success) return Failed(StatusCodes.Status400BadRequest, $"Bundle.entry[{index}].request.url: Type, Type/id, Type/id/_history[/n] or Patient/id/$everything");
        var type = m.Groups[1].Value;
        string? id = m.Groups[2].Success ? m.Groups[2].Value : null;
        var tail = m.Groups[3].Success ? m.Groups[3].Value : null;
        string? vid = m.Groups[4].Success ? m.Groups[4].Value : null;

        var sub = new DefaultHttpContext { RequestServices = http.RequestServices };
        sub.Features.Set(http.GetActor()!);
        sub.Features.Set(new StatedPurpose(http.GetPurpose()));
        sub.Connection.LocalIpAddress = http.Connection.LocalIpAddress;
        sub.Connection.LocalPort = http.Connection.LocalPort;
        sub.Request.Method = method.ToString();
        sub.Request.QueryString = new QueryString(query.Length > 1 ? query : "");
        sub.Request.Headers.Accept = FhirHttp.JsonType;
        if (request.IfMatch is { Length: > 0 } ifMatch) sub.Request.Headers.IfMatch = ifMatch;
        if (request.IfNoneExist is { Length: > 0 } ifNoneExist) sub.Request.Headers["If-None-Exist"] = ifNoneExist;
        if (entry.Resource is { } body)
        {
            var bytes = Encoding.UTF8.GetBytes(FhirFormat.ToJson(body));
            sub.Request.ContentType = FhirHttp.JsonType;
            sub.Request.ContentLength = bytes.Length;
            sub.Request.Body = new MemoryStream(bytes);
        }
        var output = new MemoryStream();
        sub.Response.Body = output;
        sub.RequestAborted = http.RequestAborted;

        var route = Routes.FirstOrDefault(r => r.Type == type);
        Task? run = (method, type, id, tail) switch
        {
            (F.Bundle.HTTPVerb.GET, "Patient", { } key, null) when long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) => FhirPatients.ReadAsync(sub, k, null),
            (F.Bundle.HTTPVerb.GET, "Patient", { } key, "$everything") when long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) => FhirPatients.EverythingAsync(sub, k),
            (F.Bundle.HTTPVerb.GET, "Patient", { } key, _) when vid is not null && long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) => FhirPatients.ReadAsync(sub, k, vid),
            (F.Bundle.HTTPVerb.GET, "Patient", { } key, "_history") when long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) => FhirPatients.HistoryAsync(sub, k),
            (F.Bundle.HTTPVerb.GET, "Patient", null, null) => FhirPatients.SearchAsync(sub),
            (F.Bundle.HTTPVerb.POST, "Patient", null, null) => FhirPatients.CreateAsync(sub),
            (F.Bundle.HTTPVerb.PUT, "Patient", { } key, null) when long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var k) => FhirPatients.UpdateAsync(sub, k),
            _ when route is null => null,
            (F.Bundle.HTTPVerb.GET, _, { } key, null) => FhirEntries.ReadAsync(sub, route, key, null),
            (F.Bundle.HTTPVerb.GET, _, { } key, _) when vid is not null => FhirEntries.ReadAsync(sub, route, key, vid),
            (F.Bundle.HTTPVerb.GET, _, { } key, "_history") => FhirEntries.HistoryAsync(sub, route, key),
            (F.Bundle.HTTPVerb.GET, _, null, null) => FhirEntries.SearchAsync(sub, route),
            (F.Bundle.HTTPVerb.POST, _, null, null) when route.Writable && !route.IsTask => FhirEntries.CreateAsync(sub, route),
            (F.Bundle.HTTPVerb.PUT, _, { } key, null) when route.Writable => FhirEntries.UpdateAsync(sub, route, key),
            _ => null,
        };
        if (run is null) return Failed(StatusCodes.Status404NotFound, $"Bundle.entry[{index}]: {method} {Clip(path)} is not an interaction served here");
        await run;

        var status = sub.Response.StatusCode;
        var response = new F.Bundle.ResponseComponent { Status = status.ToString(CultureInfo.InvariantCulture) };
        if (sub.Response.Headers.ETag.ToString() is { Length: > 0 } etag) response.Etag = etag;
        if (sub.Response.Headers.Location.ToString() is { Length: > 0 } location) response.Location = location;
        var text = Encoding.UTF8.GetString(output.ToArray());
        F.Resource? result = text.Length > 0 ? FhirFormat.Parse(text, xml: false) : null;
        if (result is F.OperationOutcome outcome) { response.Outcome = outcome; result = null; }
        return new F.Bundle.EntryComponent
        {
            FullUrl = result?.Id is { } rid ? $"{BaseOf(http)}/{result.TypeName}/{rid}" : null,
            Resource = result,
            Response = response,
        };
    }

    private static F.Bundle.EntryComponent Failed(int status, string text) => new()
    {
        Response = new F.Bundle.ResponseComponent
        {
            Status = status.ToString(CultureInfo.InvariantCulture),
            Outcome = Enamel.Fhir.Mapping.FhirOutcomes.Refused(F.OperationOutcome.IssueType.Invalid, text),
        },
    };
}
