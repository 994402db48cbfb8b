using System.Globalization;
using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Enamel.Server.Features.Patients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.Api;

/// <summary>
/// The clinical record's JSON API over the <see cref="RecordEntries"/> verbs (the CLI calls the same ones):
/// <list type="bullet">
/// <item><c>GET /api/patients/{patient}/entries?kind=condition,allergy&amp;state=&amp;code=&amp;from=&amp;to=&amp;since=&amp;limit=&amp;skip=</c>
/// lists a patient's entries (without <c>kind</c>: every category the caller reads); <c>POST</c> the same path with
/// <c>{"reason": "…", "body": {"kind": "condition", …}}</c> records one.</item>
/// <item><c>GET /api/entries/{kind}/{id}[?version=n]</c> reads (ETag W/"n"); <c>PUT</c> revises with <c>If-Match</c> or
/// <c>"version"</c>, a reason and the body; <c>GET …/history</c> lists every version; <c>POST …/entered-in-error</c> with a
/// reason withdraws it; <c>POST /api/entries/note/{id}/sign</c> signs a draft note; <c>POST /api/entries/{lab-case|referral}/{id}/advance</c>
/// with <c>{"to": "sent", "remark": ""}</c> moves it along its trail.</item>
/// <item><c>POST /api/patients/{patient}/documents?title=&amp;category=&amp;date=&amp;tooth=&amp;body-part=&amp;reason=</c> files a document: the
/// request body is the content, its Content-Type the document's type (PDF, JPEG, PNG, TIFF, STL, text, DICOM);
/// <c>GET /api/entries/document/{id}/content[?version=n]</c> returns it (as an attachment, never sniffed).</item>
/// <item><c>GET /api/entries/prescription/{id}/pdf</c> prints a prescription (TreatmentRecords:Export), labelled in the request's language.</item>
/// </list>
/// One route per kind, so each declares the operation on its kind's category and names its item (the gate resolves the
/// entry's patient and decides; the verb acts on that decision). The patient routes are decided as reaching the patient's
/// record (Demographics:Read); the verb then decides the category of what is listed or recorded. Writes take JSON only.
/// </summary>
internal static class EntriesApi
{
    /// <summary>A request body larger than this is refused (an entry's longest text is 20,000 characters).</summary>
    public const int MaxBody = 256 * 1024;

    public static IEndpointRouteBuilder MapEntriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patients/{patient:long}/entries", ListAsync).Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "patient");
        app.MapPost("/api/patients/{patient:long}/entries", RecordAsync).Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "patient");
        app.MapPost("/api/patients/{patient:long}/documents", FileDocumentAsync).Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "patient");
        app.MapGet("/api/entries/prescription/{id}/pdf", PrescriptionPdfAsync).Requires(RecordCategory.TreatmentRecords, RecordAction.Export).Item(RecordKind.Prescription, "id");
        app.MapGet("/api/entries/document/{id}/content", DocumentContentAsync).Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Document, "id");
        foreach (var kind in RecordKind.Entries)
        {
            var category = RecordEntries.CategoryOf(kind);
            var path = $"/api/entries/{kind.Name}/{{id}}";
            app.MapGet(path, (HttpContext http, string id, RecordEntries verbs) => ReadAsync(http, kind, id, verbs)).Requires(category, RecordAction.Read).Item(kind, "id");
            // A note's author revises and signs their own draft as part of creating it (a hygienist may); the verb decides an
            // amendment for anyone else's note. Every other change is an amendment at the gate already.
            var change = kind == RecordKind.Note ? RecordAction.Create : RecordAction.Amend;
            app.MapPut(path, (HttpContext http, string id, RecordEntries verbs) => ReviseAsync(http, kind, id, verbs)).Requires(category, change).Item(kind, "id");
            app.MapGet(path + "/history", (HttpContext http, string id, RecordEntries verbs) => HistoryAsync(http, kind, id, verbs))
                .Requires(category, RecordAction.Read).Item(kind, "id");
            app.MapPost(path + "/entered-in-error", (HttpContext http, string id, RecordEntries verbs) => EnteredInErrorAsync(http, kind, id, verbs))
                .Requires(category, RecordAction.Amend).Item(kind, "id");
            if (kind == RecordKind.Note)
                app.MapPost(path + "/sign", (HttpContext http, string id, RecordEntries verbs) => SignAsync(http, id, verbs)).Requires(category, change).Item(kind, "id");
            if (kind == RecordKind.LabCase || kind == RecordKind.Referral)
                app.MapPost(path + "/advance", (HttpContext http, string id, RecordEntries verbs) => AdvanceAsync(http, kind, id, verbs))
                    .Requires(category, RecordAction.Amend).Item(kind, "id");
        }
        return app;
    }

    // ---- wire forms -------------------------------------------------------------------------------------------------

    /// <summary>One version of an entry as the API writes it; <c>body</c> is the entry's own JSON (with its "kind").</summary>
    private static void Write(Utf8JsonWriter w, RecordEntry e)
    {
        w.WriteStartObject();
        w.WriteString("kind", e.Kind.Name);
        w.WriteString("id", e.Id);
        w.WriteNumber("patient", e.PatientKey);
        w.WriteString("category", e.Body.Category.ToString());
        w.WriteNumber("version", e.Version);
        w.WriteString("status", VersionStatusNames.Of(e.Status));
        w.WriteString("state", e.Body.State);
        w.WriteString("date", e.Body.Date);
        w.WriteString("author", e.AuthorId);
        w.WriteString("recorded", e.Recorded);
        w.WriteString("created", e.Created);
        w.WriteString("reason", e.Reason);
        if (e.Withdrawn is { } c)
        {
            w.WriteStartObject("withdrawn");
            w.WriteString("author", c.AuthorId);
            w.WriteString("time", c.Time);
            w.WriteString("reason", c.Reason);
            w.WriteEndObject();
        }
        w.WritePropertyName("body");
        JsonSerializer.Serialize(w, e.Body, EntryJson.Options);
        w.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext http, int status, Action<Utf8JsonWriter> write)
    {
        // Written to memory first: serializing a body flushes its writer synchronously, which the server's stream refuses.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    /// <summary>A verb's answer: the entry (with its ETag) or the one mapping of the outcome to HTTP (<see cref="PatientsApi.StatusOf"/>).</summary>
    private static Task AnswerAsync(HttpContext http, PatientAnswer<RecordEntry> answer, int success = StatusCodes.Status200OK)
    {
        if (!answer.Done) return Problem.WriteAsync(http, PatientsApi.StatusOf(answer.Outcome), answer.Message);
        http.Response.Headers.ETag = answer.Value!.ETag;
        return WriteJsonAsync(http, success, w => Write(w, answer.Value));
    }

    // ---- handlers -----------------------------------------------------------------------------------------------------

    private static async Task ListAsync(HttpContext http, long patient, RecordEntries verbs)
    {
        var q = http.Request.Query;
        var actor = http.GetActor()!;
        var kinds = new List<RecordKind>();
        foreach (var name in q["kind"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!RecordKind.TryParse(name, out var kind) || !kind.IsEntry)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"kind: '{Clip(name)}' is not a kind of entry ({string.Join(", ", RecordKind.Entries.Select(k => k.Name))})");
                return;
            }
            if (!kinds.Contains(kind)) kinds.Add(kind);
        }
        if (!TryInt(q, "limit", 100, out int limit) || !TryInt(q, "skip", 0, out int skip) || limit is < 0 or > RecordEntries.MaxResults || skip < 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"limit: 0 to {RecordEntries.MaxResults}; skip: 0 or more");
            return;
        }
        DateTimeOffset? since = null;
        if (q["since"].ToString() is { Length: > 0 } s)
        {
            if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "since: an ISO 8601 time such as 2026-01-10T09:00:00Z");
                return;
            }
            since = t;
        }
        if (kinds.Count == 0)
        {
            // Everything the caller reads of this patient (the categories it may not read left out and named).
            var everything = await verbs.EverythingAsync(actor, patient, http.GetPurpose(), http.RequestAborted);
            if (!everything.Done)
            {
                await Problem.WriteAsync(http, PatientsApi.StatusOf(everything.Outcome), everything.Message);
                return;
            }
            var page = everything.Value!.Skip(skip).Take(limit).ToList();
            await WriteListAsync(http, page, everything.Value!.Count, everything.Message);
            return;
        }
        var query = new EntryQuery(kinds, PatientReach.None)
        {
            PatientKey = patient,
            State = NullIfEmpty(q["state"].ToString()),
            Code = NullIfEmpty(q["code"].ToString()),
            DateFrom = NullIfEmpty(q["from"].ToString()),
            DateTo = NullIfEmpty(q["to"].ToString()),
            UpdatedSince = since,
            IncludeEnteredInError = q["entered-in-error"].ToString() is "true" or "1",
            Limit = limit,
            Skip = skip,
        };
        var found = await verbs.FindAsync(actor, query, http.GetPurpose(), http.RequestAborted);
        if (!found.Done)
        {
            await Problem.WriteAsync(http, PatientsApi.StatusOf(found.Outcome), found.Message);
            return;
        }
        await WriteListAsync(http, found.Value.Entries, found.Value.Total, "");
    }

    private static Task WriteListAsync(HttpContext http, IReadOnlyList<RecordEntry> entries, int total, string note) =>
        WriteJsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("total", total);
            if (note.Length > 0) w.WriteString("note", note);
            w.WriteStartArray("entries");
            foreach (var e in entries) Write(w, e);
            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static async Task RecordAsync(HttpContext http, long patient, RecordEntries verbs)
    {
        if (await ReadRequestAsync(http) is not { } request) return;
        if (await BodyAsync(http, request) is not { } body) return;
        if (http.Request.Query["kind"].ToString() is { Length: > 0 } named && named != body.Kind.Name)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"kind: the query names '{Clip(named)}', the body is a {body.Kind.Name}");
            return;
        }
        var answer = await verbs.AddAsync(http.GetActor()!, patient, body, Text(request, "reason"), http.GetPurpose(), null, http.RequestAborted);
        if (answer.Done) http.Response.Headers.Location = $"/api/entries/{answer.Value!.Kind.Name}/{answer.Value.Id}";
        await AnswerAsync(http, answer, StatusCodes.Status201Created);
    }

    private static async Task ReadAsync(HttpContext http, RecordKind kind, string id, RecordEntries verbs)
    {
        int? version = null;
        if (http.Request.Query["version"].ToString() is { Length: > 0 } v)
        {
            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "version: a version number (1, 2, …)");
                return;
            }
            version = n;
        }
        await AnswerAsync(http, await verbs.ReadAsync(http.GetActor()!, kind, id, version, http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task HistoryAsync(HttpContext http, RecordKind kind, string id, RecordEntries verbs)
    {
        var answer = await verbs.HistoryAsync(http.GetActor()!, kind, id, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!answer.Done)
        {
            await Problem.WriteAsync(http, PatientsApi.StatusOf(answer.Outcome), answer.Message);
            return;
        }
        await WriteJsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", kind.Name);
            w.WriteString("id", id);
            w.WriteStartArray("versions");
            foreach (var e in answer.Value!) Write(w, e);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task ReviseAsync(HttpContext http, RecordKind kind, string id, RecordEntries verbs)
    {
        if (await ReadRequestAsync(http) is not { } request) return;
        if (await VersionAsync(http, request) is not { } version) return;
        if (await BodyAsync(http, request) is not { } body) return;
        await AnswerAsync(http, await verbs.ReviseAsync(http.GetActor()!, kind, id, version, body, Text(request, "reason"), http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task EnteredInErrorAsync(HttpContext http, RecordKind kind, string id, RecordEntries verbs)
    {
        if (await ReadRequestAsync(http) is not { } request) return;
        await AnswerAsync(http, await verbs.MarkEnteredInErrorAsync(http.GetActor()!, kind, id, Text(request, "reason"), http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task SignAsync(HttpContext http, string id, RecordEntries verbs)
    {
        if (await ReadRequestAsync(http, optional: true) is not { } request) return;
        if (await VersionAsync(http, request) is not { } version) return;
        await AnswerAsync(http, await verbs.SignNoteAsync(http.GetActor()!, id, version, http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task AdvanceAsync(HttpContext http, RecordKind kind, string id, RecordEntries verbs)
    {
        if (await ReadRequestAsync(http) is not { } request) return;
        if (await VersionAsync(http, request) is not { } version) return;
        if (Text(request, "to") is not { Length: > 0 } to)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "to: the state to move to (e.g. \"sent\")");
            return;
        }
        await AnswerAsync(http, await verbs.AdvanceAsync(http.GetActor()!, kind, id, version, to, Text(request, "remark"), http.GetPurpose(), http.GetDecided(), http.RequestAborted));
    }

    private static async Task FileDocumentAsync(HttpContext http, long patient, Enamel.Core.Documents.DocumentVerbs documents)
    {
        var q = http.Request.Query;
        if (!Enum.TryParse<RecordCategory>(q["category"].ToString(), ignoreCase: true, out var category) || !Enum.IsDefined(category)
            || int.TryParse(q["category"].ToString(), out _))
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest,
                $"category: one of {string.Join(", ", Enamel.Core.Documents.Document.Categories)}");
            return;
        }
        var contentType = (http.Request.ContentType ?? "").Split(';')[0].Trim();
        if (contentType.Length == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, $"send the document with its Content-Type ({string.Join(", ", Enamel.Core.Documents.Document.ContentTypes)})");
            return;
        }
        if (http.Request.ContentLength > Enamel.Core.Documents.Document.MaxSize)
        {
            await Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, "a document is at most 512 MiB");
            return;
        }
        var upload = new Enamel.Core.Documents.DocumentUpload(q["title"].ToString(), category, q["date"].ToString(), contentType, q["tooth"].ToString(), q["body-part"].ToString());
        var answer = await documents.RecordAsync(http.GetActor()!, patient, upload, http.Request.Body, q["reason"].ToString(), http.GetPurpose(), http.RequestAborted);
        if (answer.Done) http.Response.Headers.Location = $"/api/entries/document/{answer.Value!.Id}";
        await AnswerAsync(http, answer, StatusCodes.Status201Created);
    }

    private static async Task DocumentContentAsync(HttpContext http, string id, Enamel.Core.Documents.DocumentVerbs documents)
    {
        int? version = null;
        if (http.Request.Query["version"].ToString() is { Length: > 0 } v)
        {
            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "version: a version number (1, 2, …)");
                return;
            }
            version = n;
        }
        var (answer, content) = await documents.OpenAsync(http.GetActor()!, id, version, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!answer.Done)
        {
            await Problem.WriteAsync(http, PatientsApi.StatusOf(answer.Outcome), answer.Message);
            return;
        }
        await using (content)
        {
            var document = (Enamel.Core.Documents.Document)answer.Value!.Body;
            http.Response.ContentType = document.ContentType;
            http.Response.ContentLength = document.Size;
            http.Response.Headers.ETag = answer.Value.ETag;
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"document-{answer.Value.Id}{Extension(document.ContentType)}\"";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            await content!.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }

    private static async Task PrescriptionPdfAsync(HttpContext http, string id, RecordEntries verbs, Enamel.Core.Accounts.IUserStore users)
    {
        var answer = await verbs.ExportAsync(http.GetActor()!, RecordKind.Prescription, id, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!answer.Done)
        {
            await Problem.WriteAsync(http, PatientsApi.StatusOf(answer.Outcome), answer.Message);
            return;
        }
        var (entry, patient) = answer.Value;
        var prescriber = ((Enamel.Core.Treatment.Prescription)entry.Body).Prescriber;
        var name = (await users.FindByIdAsync(prescriber, http.RequestAborted))?.UserName ?? prescriber;
        var pdf = PrescriptionPdf.Render(entry, patient, name, Enamel.Server.Web.Language.Choose(http.Request));
        http.Response.ContentType = "application/pdf";
        http.Response.Headers.ContentDisposition = $"inline; filename=\"prescription-{entry.Id[..8]}.pdf\"";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.Body.WriteAsync(pdf, http.RequestAborted);
    }

    private static string Extension(string contentType) => contentType switch
    {
        "application/pdf" => ".pdf", "image/jpeg" => ".jpg", "image/png" => ".png", "image/tiff" => ".tif",
        "model/stl" or "application/sla" => ".stl", "text/plain" => ".txt", "application/dicom" => ".dcm", _ => "",
    };

    // ---- reading requests ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The JSON object of the request, or null with a 415/413/400 answer written. <paramref name="optional"/>: no body at
    /// all is an empty object (sign with If-Match only); a body must still be JSON.
    /// </summary>
    private static async Task<JsonElement?> ReadRequestAsync(HttpContext http, bool optional = false)
    {
        bool hasBody = http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0;
        if (optional && !hasBody && string.IsNullOrEmpty(http.Request.ContentType)) return JsonDocument.Parse("{}").RootElement;
        if (!http.Request.HasJsonContentType())
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "send application/json");
            return null;
        }
        if (await Hosting.BoundedBody.ReadAsync(http.Request, MaxBody, http.RequestAborted) is not { } body)
        {
            await Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, $"the request is larger than {MaxBody / 1024} KiB");
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "the request must be a JSON object");
                return null;
            }
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"the request is not JSON: {Reason(ex)}");
            return null;
        }
    }

    /// <summary>The entry in the request's "body", or null with a 400 answer naming what is wrong.</summary>
    private static async Task<EntryBody?> BodyAsync(HttpContext http, JsonElement request)
    {
        if (!request.TryGetProperty("body", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "body: the entry is required, an object with its \"kind\" (e.g. {\"kind\": \"condition\", …})");
            return null;
        }
        if (!element.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"body.kind: name the kind of entry ({string.Join(", ", RecordKind.Entries.Select(k => k.Name))})");
            return null;
        }
        if (!RecordKind.TryParse(kind.GetString(), out var named) || !named.IsEntry)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest,
                $"body.kind: '{Clip(kind.GetString() ?? "")}' is not a kind of entry ({string.Join(", ", RecordKind.Entries.Select(k => k.Name))})");
            return null;
        }
        try
        {
            var body = element.Deserialize<EntryBody>(EntryJson.Options);
            if (body is null) await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "body: the entry is empty");
            return body;
        }
        catch (JsonException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"body: {Reason(ex)}");
            return null;
        }
        catch (NotSupportedException)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"body.kind: '{Clip(kind.GetString() ?? "")}' is not a kind of entry");
            return null;
        }
    }

    /// <summary>The version the caller read: If-Match (W/"n" or "n") or "version" in the body; null with a 400/428 answer.</summary>
    private static async Task<int?> VersionAsync(HttpContext http, JsonElement request)
    {
        var ifMatch = http.Request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length > 0)
        {
            var tag = ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch;
            if (tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && int.TryParse(tag[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return n;
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "If-Match: the ETag of the version you read, such as W/\"2\"");
            return null;
        }
        if (request.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var version) && version > 0) return version;
        await Problem.WriteAsync(http, StatusCodes.Status428PreconditionRequired, "send the version you read: If-Match: W/\"n\" or \"version\": n");
        return null;
    }

    private static string Text(JsonElement request, string name) =>
        request.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    /// <summary>What a JSON error says, without the framework's type names and positions.</summary>
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        int at = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (at > 0) message = message[..at];
        message = message.Replace("System.", "", StringComparison.Ordinal).Replace("Enamel.Core.", "", StringComparison.Ordinal);
        return ex.Path is { Length: > 1 } path ? $"{message} (at {path})" : message;
    }

    private static bool TryInt(IQueryCollection q, string name, int fallback, out int value)
    {
        value = fallback;
        var text = q[name].ToString();
        return text.Length == 0 || int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
