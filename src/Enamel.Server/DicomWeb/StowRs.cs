using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// STOW-RS (PS3.18 10.5): multipart/related; type="application/dicom". Each part goes through the one ingest
/// pipeline; the response lists stored and failed instances with PS3.18 failure reasons. Each instance is decided by
/// the access policy for the patient it belongs to: an existing patient with that patient's clinic, a new patient in
/// the caller's clinic (their only one, or the <c>clinic</c> query parameter, which must be one of theirs).
/// </summary>
internal static class StowRs
{
    // Failure Reason (0008,1197) values, PS3.18 Table 10.5.3-2 and PS3.7 Annex C.
    private const ushort ProcessingFailure = 0x0110;
    private const ushort DuplicateInstance = 0x0111;
    private const ushort CannotUnderstand = 0xC000;
    private const ushort StudyMismatch = 0xC409;
    private const ushort NotAuthorized = 0x0124;

    /// <summary>The STOW-RS query parameter naming the clinic a new patient is created in.</summary>
    public const string ClinicParameter = "clinic";

    private sealed record Outcome(string SopClassUid, string SopInstanceUid, string? StudyUid, ushort? Failure)
    {
        public string? SeriesUid { get; init; }
        /// <summary>Why a part failed, naming the part by its position (no patient data).</summary>
        public string? Comment { get; init; }
        /// <summary>The part's body ended in a framing fault: the request cannot go on.</summary>
        public bool Framing { get; init; }
    }

    public static async Task StoreAsync(HttpContext http, StoreInstance store, AccessPolicy policy, string? study)
    {
        if (http.GetActor() is not { } actor || http.GetReach() is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "this request has no access decision");
            return;
        }
        var (clinic, status, problem) = TargetClinic(http, actor);
        if (clinic is null)
        {
            await Problem.WriteAsync(http, status, problem!);
            return;
        }
        var operation = new Operation(RecordCategory.Imaging, RecordAction.Create);
        var purpose = http.GetPurpose();
        var target = IngestTarget.For(policy, actor, operation, purpose, clinic) with { Study = study, Reason = IngestTarget.ReceivedVia("STOW-RS") };
        if (http.Request.Headers.ContentEncoding.Count > 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, $"Content-Encoding '{http.Request.Headers.ContentEncoding}' is not accepted: send the body unencoded");
            return;
        }
        var contentType = http.Request.ContentType ?? "";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be multipart/related; type=\"application/dicom\"");
            return;
        }
        var outcomes = new List<Outcome>();
        string? framingFault = null;
        if (media.MediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
        {
            var type = media.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value.ToString().Trim('"');
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).ToString();
            if (type is not null && !type.Equals("application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, $"STOW-RS accepts type=\"application/dicom\" parts, not {type}");
                return;
            }
            if (string.IsNullOrEmpty(boundary))
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "multipart/related without a boundary");
                return;
            }
            if (boundary.Length > MaxBoundaryLength)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"the multipart boundary is {boundary.Length} characters long; RFC 2046 allows at most {MaxBoundaryLength}");
                return;
            }
            framingFault = await StorePartsAsync(http, store, target, boundary, outcomes);
        }
        else if (media.MediaType.Equals("application/dicom", StringComparison.OrdinalIgnoreCase))
        {
            outcomes.Add(await StoreOneAsync(store, Metrics(http), target, http.Request.Body, 1, http.RequestAborted));
        }
        else
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, $"{media.MediaType} is not accepted: use multipart/related; type=\"application/dicom\"");
            return;
        }

        if (outcomes.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, framingFault ?? "the request holds no DICOM parts");
            return;
        }
        int failed = outcomes.Count(o => o.Failure is not null);
        http.Response.StatusCode = framingFault is not null ? StatusCodes.Status400BadRequest
            : failed == 0 ? StatusCodes.Status200OK
            : outcomes.All(o => o.Failure == NotAuthorized) ? StatusCodes.Status403Forbidden
            : failed == outcomes.Count ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
        if (framingFault is not null) http.Response.Headers["Warning"] = $"299 Enamel: \"{framingFault.Replace("\"", "'")}\"";
        http.Response.ContentType = "application/dicom+json";
        await WriteResponseAsync(http, outcomes, study);
    }

    /// <summary>RFC 2046 5.1.1: a boundary is 1 to 70 characters.</summary>
    private const int MaxBoundaryLength = 70;

    /// <summary>
    /// Stores each part in turn. A framing fault (a part cut short, a missing close delimiter, headers too long) ends
    /// the request: the part it cut is listed as failed, parts before it keep their outcome, and the fault is returned
    /// so the caller answers 400 with every part's fate.
    /// </summary>
    private static async Task<string?> StorePartsAsync(HttpContext http, StoreInstance store, IngestTarget target, string boundary, List<Outcome> outcomes)
    {
        // 64 KiB, not the default 4 KiB: each part's body is read (and searched for the boundary) a buffer at a time, and a
        // 3 MB instance took ~750 async reads through TLS and the multipart reader instead of ~50.
        var reader = new MultipartReader(boundary, http.Request.Body, 64 * 1024) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 32 };
        int part = 0;
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(http.RequestAborted)) is not null)
            {
                part++;
                if (section.ContentType is { } partType && !partType.StartsWith("application/dicom", StringComparison.OrdinalIgnoreCase))
                {
                    outcomes.Add(Failed(part, CannotUnderstand, $"the part's Content-Type is {partType}, not application/dicom"));
                    continue;
                }
                var outcome = await StoreOneAsync(store, Metrics(http), target, section.Body, part, http.RequestAborted);
                outcomes.Add(outcome);
                if (outcome.Framing) return $"part {part} is cut short: {outcome.Comment}";
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            // The reader's own framing errors (a body ending before the close delimiter, over-long headers).
            var fault = $"malformed multipart body after part {part}: {ex.Message}";
            outcomes.Add(Failed(part + 1, CannotUnderstand, fault));
            return fault;
        }
    }

    private static Outcome Failed(int part, ushort reason, string comment) => new("", "", null, reason) { Comment = $"part {part}: {comment}" };

    /// <summary>
    /// The clinic new patients of this request are created in: the <c>clinic</c> parameter when given (one of the
    /// caller's clinics, else 403), otherwise the caller's only clinic; a caller of several clinics must name one (400).
    /// </summary>
    private static (string? Clinic, int Status, string? Problem) TargetClinic(HttpContext http, Actor actor)
    {
        var named = http.Request.Query[ClinicParameter].ToString().Trim();
        var theirs = string.Join(", ", actor.Clinics.Order(StringComparer.Ordinal));
        if (named.Length > 0)
            return actor.Clinics.Contains(named) ? (named, 0, null)
                : (null, StatusCodes.Status403Forbidden, $"'{named}' is not one of your clinics ({(theirs.Length > 0 ? theirs : "none")}): new patients can be stored only into your own clinics");
        return actor.Clinics.Count switch
        {
            1 => (actor.Clinics.Single(), 0, null),
            0 => (null, StatusCodes.Status403Forbidden, "your account belongs to no clinic: it cannot store patients' images"),
            _ => (null, StatusCodes.Status400BadRequest, $"you belong to several clinics: name the clinic new patients belong to with ?{ClinicParameter}= (one of {theirs})"),
        };
    }

    private static Operations.EnamelMetrics Metrics(HttpContext http) => http.RequestServices.GetRequiredService<Operations.EnamelMetrics>();

    private static async Task<Outcome> StoreOneAsync(StoreInstance store, Operations.EnamelMetrics metrics, IngestTarget target, Stream body, int part, CancellationToken ct)
    {
        var counted = new Operations.CountingStream(body);
        try
        {
            var result = await store.ExecuteAsync(counted, target, ct);
            metrics.RecordStore(Operations.IngestChannel.Stow, Operations.EnamelMetrics.Outcome(result.Status), counted.BytesRead);
            var a = result.Attributes;
            return result.Status switch
            {
                StoreStatus.Refused => new Outcome(a.SopClassUid, a.SopInstanceUid, null, NotAuthorized) { Comment = $"part {part}: not allowed to store into this record" },
                StoreStatus.StudyMismatch => new Outcome(a.SopClassUid, a.SopInstanceUid, a.StudyInstanceUid, StudyMismatch)
                    { Comment = $"part {part}: the instance belongs to another study than the one named in the request; nothing was stored" },
                StoreStatus.Conflict => new Outcome(a.SopClassUid, a.SopInstanceUid, a.StudyInstanceUid, DuplicateInstance)
                    { Comment = $"part {part}: an instance with this SOP Instance UID and other content is already stored" },
                _ => new Outcome(a.SopClassUid, a.SopInstanceUid, a.StudyInstanceUid, null) { SeriesUid = a.SeriesInstanceUid },
            };
        }
        catch (InvalidInstanceException ex)
        {
            metrics.RecordStore(Operations.IngestChannel.Stow, Operations.StoreOutcome.Invalid, 0);
            return Failed(part, CannotUnderstand, ex.Message);
        }
        catch (IOException ex) when (!ct.IsCancellationRequested)
        {
            // The part's body could not be read to its end (the multipart reader's framing error): nothing was kept.
            metrics.RecordStore(Operations.IngestChannel.Stow, Operations.StoreOutcome.Failed, 0);
            return Failed(part, ProcessingFailure, ex.Message) with { Framing = true };
        }
    }

    private static async Task WriteResponseAsync(HttpContext http, List<Outcome> outcomes, string? study)
    {
        var baseUrl = PublicBase.DicomWeb(http);
        await using var w = new Utf8JsonWriter(http.Response.Body, DicomJsonText.WriterOptions);
        w.WriteStartObject();
        // The study's Retrieve URL only when it names something that exists: the study of the request when an instance of it
        // is stored (not when every part failed), or the one study every stored instance belongs to.
        var storedStudies = outcomes.Where(o => o.Failure is null && o.StudyUid is not null).Select(o => o.StudyUid!).Distinct().ToList();
        var studyUrl = study is not null ? (storedStudies.Contains(study) ? study : null) : storedStudies.Count == 1 ? storedStudies[0] : null;
        if (studyUrl is not null) WriteString(w, DicomTags.RetrieveURL, "UR", $"{baseUrl}/studies/{studyUrl}");
        WriteSequence(w, DicomTags.FailedSOPSequence, outcomes.Where(o => o.Failure is not null), (w, o) =>
        {
            WriteString(w, DicomTags.ReferencedSOPClassUID, "UI", o.SopClassUid);
            WriteString(w, DicomTags.ReferencedSOPInstanceUID, "UI", o.SopInstanceUid);
            if (o.Comment is not null) WriteString(w, DicomTags.ErrorComment, "LO", Truncate(o.Comment, 64));
            w.WritePropertyName(DicomTags.FailureReason.ToHex());
            w.WriteStartObject();
            w.WriteString("vr", "US");
            w.WritePropertyName("Value");
            w.WriteStartArray();
            w.WriteNumberValue(o.Failure!.Value);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        WriteSequence(w, DicomTags.ReferencedSOPSequence, outcomes.Where(o => o.Failure is null), (w, o) =>
        {
            WriteString(w, DicomTags.ReferencedSOPClassUID, "UI", o.SopClassUid);
            WriteString(w, DicomTags.ReferencedSOPInstanceUID, "UI", o.SopInstanceUid);
            WriteString(w, DicomTags.RetrieveURL, "UR", $"{baseUrl}/studies/{o.StudyUid}/series/{o.SeriesUid}/instances/{o.SopInstanceUid}");
        });
        w.WriteEndObject();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static void WriteSequence(Utf8JsonWriter w, DicomTag tag, IEnumerable<Outcome> items, Action<Utf8JsonWriter, Outcome> writeItem)
    {
        var list = items.ToList();
        if (list.Count == 0) return;
        w.WritePropertyName(tag.ToHex());
        w.WriteStartObject();
        w.WriteString("vr", "SQ");
        w.WritePropertyName("Value");
        w.WriteStartArray();
        foreach (var o in list)
        {
            w.WriteStartObject();
            writeItem(w, o);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter w, DicomTag tag, string vr, string value)
    {
        w.WritePropertyName(tag.ToHex());
        w.WriteStartObject();
        w.WriteString("vr", vr);
        if (value.Length > 0)
        {
            w.WritePropertyName("Value");
            w.WriteStartArray();
            w.WriteStringValue(value);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
