using System.Globalization;
using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Records;
using Enamel.Fhir;
using Enamel.Core.Studies;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.Api;

/// <summary>
/// The audit query API: <c>GET /api/audit</c> (the group's trail: privacy officer, admin of <c>Enamel:Clinic</c>;
/// <c>?clinic=CODE</c> one clinic's patients, for that clinic's privacy officer) and
/// <c>GET /api/patients/{patient}/audit</c> (one patient's accounting of who touched their record — the patient
/// themself, a guardian, the privacy officer). Filters: actor (user name or id), action, outcome, object (prefix),
/// since, until (ISO 8601), after (sequence cursor), limit (≤ 1000). JSON by default; a FHIR R4 Bundle of AuditEvent
/// for <c>Accept: application/fhir+json</c>. Reading the trail is itself audited by the gate's decision.
/// </summary>
internal static class AuditApi
{
    /// <summary>
    /// <c>/api/audit?clinic=CODE</c>: one clinic's part of the trail — decided for that clinic, and only entries about its
    /// patients — for a privacy officer of that clinic who is not one of the whole group's (<c>Enamel:Clinic</c>).
    /// </summary>
    public const string ClinicParameter = "clinic";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", (HttpContext http, AuditPorts ports, EnamelOptions options) => QueryAsync(http, ports, options, null))
            .Requires(RecordCategory.Audit, RecordAction.Read, clinicQueryParameter: ClinicParameter);
        app.MapGet("/api/patients/{patient:long}/audit", (HttpContext http, AuditPorts ports, EnamelOptions options, long patient) => QueryAsync(http, ports, options, patient))
            .Requires(RecordCategory.Audit, RecordAction.Read).Item(RecordKind.Patient, "patient");
        return app;
    }

    /// <summary>The ports the audit query reads (users by name, a clinic's patients, the trail).</summary>
    internal sealed record AuditPorts(IUserStore Users, IStudyIndex Index, IAuditLog Audit);

    private static async Task QueryAsync(HttpContext http, AuditPorts ports, EnamelOptions options, long? patient)
    {
        var q = http.Request.Query;
        AuditQuery query;
        try
        {
            string? actor = q["actor"].ToString() is { Length: > 0 } a
                ? (await ports.Users.FindByNameAsync(a, http.RequestAborted))?.Id ?? a
                : null;
            var clinic = patient is null && q[ClinicParameter].ToString() is { Length: > 0 } c && c != options.Clinic ? c : null;
            query = new AuditQuery
            {
                PatientKey = patient,
                PatientKeys = clinic is null ? null : await ports.Index.ListPatientKeysAsync(clinic, http.RequestAborted),
                ActorId = actor,
                Action = Text(q, "action"),
                ObjectPrefix = Text(q, "object"),
                Outcome = Text(q, "outcome") is { } o
                    ? Enum.TryParse<AuditOutcome>(o, ignoreCase: true, out var outcome) && Enum.IsDefined(outcome) ? outcome
                        : throw new FormatException($"outcome must be one of {string.Join(", ", Enum.GetNames<AuditOutcome>())}")
                    : null,
                Since = Time(q, "since"),
                Until = Time(q, "until"),
                AfterSequence = Number(q, "after", 0, long.MaxValue) ?? 0,
                Limit = (int)(Number(q, "limit", 1, AuditQuery.MaxLimit) ?? 100),
            };
        }
        catch (FormatException ex)
        {
            await DicomWeb.Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        var records = await ports.Audit.QueryAsync(query, http.RequestAborted);
        bool fhir = http.Request.Headers.Accept.ToString().Contains("application/fhir+json", StringComparison.OrdinalIgnoreCase);
        http.Response.ContentType = fhir ? "application/fhir+json" : "application/json";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        if (fhir) FhirAuditEventWriter.WriteBundle(w, records, options.AeTitle);
        else
        {
            w.WriteStartObject();
            w.WriteStartArray("entries");
            foreach (var r in records)
            {
                var e = r.Event;
                w.WriteStartObject();
                w.WriteNumber("sequence", r.Sequence);
                w.WriteString("time", e.Time);
                w.WriteString("actor", e.ActorId);
                w.WriteString("role", e.ActorRole);
                if (e.PatientKey is { } p) w.WriteNumber("patientKey", p); else w.WriteNull("patientKey");
                w.WriteString("object", e.Object.Text);
                w.WriteString("action", e.Action.Text);
                w.WriteString("outcome", e.Outcome.ToString());
                w.WriteString("purpose", e.Purpose);
                w.WriteString("source", e.Source);
                w.WriteString("detail", e.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // The cursor for the next page (absent on the last one).
            if (records.Count == query.Limit) w.WriteNumber("next", records[^1].Sequence);
            w.WriteEndObject();
        }
        await w.FlushAsync(http.RequestAborted);
    }

    private static string? Text(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } v ? v : null;

    private static DateTimeOffset? Time(IQueryCollection q, string name) => Text(q, name) is not { } v ? null
        : DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new FormatException($"{name} must be an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z");

    private static long? Number(IQueryCollection q, string name, long min, long max) => Text(q, name) is not { } v ? null
        : long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : throw new FormatException($"{name} must be a whole number from {min} to {max}");
}
