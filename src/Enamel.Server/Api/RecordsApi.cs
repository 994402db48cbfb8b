using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.Api;

/// <summary>
/// An item's history: <c>GET /api/records/{kind}/{id}/history</c> (Read on the item's category, decided by the gate for the
/// item's patient through the owner resolver of its kind) lists every version with author, time, reason and status,
/// entered-in-error ones included; <c>POST /api/records/instance/{id}/entered-in-error</c> with <c>{"reason": "…"}</c>
/// (Amend) withdraws an instance recorded by mistake. One route per kind, so each declares its operation and item.
/// </summary>
internal static class RecordsApi
{
    /// <summary>The category each kind's items are granted on (the resolvers give the same in each <see cref="RecordRef"/>).</summary>
    private static readonly IReadOnlyList<(RecordKind Kind, RecordCategory Category)> Kinds =
    [
        (RecordKind.Patient, RecordCategory.Demographics),
        (RecordKind.Study, RecordCategory.Imaging),
        (RecordKind.Series, RecordCategory.Imaging),
        (RecordKind.Instance, RecordCategory.Imaging),
    ];

    public static IEndpointRouteBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        foreach (var (kind, category) in Kinds)
        {
            app.MapGet($"/api/records/{kind.Name}/{{id}}/history", HistoryAsync).Requires(category, RecordAction.Read).Item(kind, "id");
            if (MarkEnteredInError.Kinds.Contains(kind))
                app.MapPost($"/api/records/{kind.Name}/{{id}}/entered-in-error", EnteredInErrorAsync).Requires(category, RecordAction.Amend).Item(kind, "id");
        }
        return app;
    }

    private static async Task HistoryAsync(HttpContext http, IRecordHistory history)
    {
        var item = http.GetItem()!.Item; // the gate resolved and decided it
        var versions = await history.ReadAsync(item, http.RequestAborted);
        http.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteString("kind", item.Kind.Name);
        w.WriteString("id", item.Id);
        w.WriteStartArray("versions");
        foreach (var v in versions) Write(w, v);
        w.WriteEndArray();
        w.WriteEndObject();
        await w.FlushAsync(http.RequestAborted);
    }

    private sealed record Body(string? Reason);

    private static async Task EnteredInErrorAsync(HttpContext http, MarkEnteredInError mark)
    {
        // JSON only: a cross-site HTML form cannot send it without a CORS preflight, so a session cookie cannot be ridden.
        if (!http.Request.HasJsonContentType())
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "send application/json: {\"reason\": \"why it was recorded by mistake\"}");
            return;
        }
        Body? body;
        try { body = await http.Request.ReadFromJsonAsync<Body>(JsonSerializerOptions.Web, http.RequestAborted); }
        catch (JsonException) { body = null; }
        var result = await mark.ExecuteAsync(http.GetActor()!, http.GetItem()!.Item, body?.Reason ?? "", http.GetPurpose(), http.RequestAborted);
        switch (result.Outcome)
        {
            case EnteredInErrorOutcome.Marked:
                http.Response.ContentType = "application/json";
                await using (var w = new Utf8JsonWriter(http.Response.Body))
                {
                    Write(w, result.Version!);
                    await w.FlushAsync(http.RequestAborted);
                }
                return;
            case EnteredInErrorOutcome.AlreadyEnteredInError:
                await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status409Conflict, "already entered-in-error");
                return;
            case EnteredInErrorOutcome.NotFound:
                await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status404NotFound, AccessGate.NotFoundOrNotYours);
                return;
            case EnteredInErrorOutcome.Refused:
                await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status403Forbidden, $"Amend denied ({result.Decision?.Rule})");
                return;
            case EnteredInErrorOutcome.NoReason:
                await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "give the reason it was recorded by mistake: {\"reason\": \"…\"}");
                return;
            default:
                await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "this kind of record cannot be marked entered-in-error");
                return;
        }
    }

    private static void Write(Utf8JsonWriter w, RecordVersion v)
    {
        w.WriteStartObject();
        w.WriteNumber("number", v.Number);
        w.WriteString("author", v.AuthorId);
        w.WriteString("time", v.Time);
        w.WriteString("reason", v.Reason);
        w.WriteString("status", VersionStatusNames.Of(v.Status));
        if (v.Changed is { } c)
        {
            w.WriteStartObject("changed");
            w.WriteString("author", c.AuthorId);
            w.WriteString("time", c.Time);
            w.WriteString("reason", c.Reason);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
