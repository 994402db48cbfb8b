using System.Globalization;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Fhir.Mapping;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Http;
using static Enamel.Server.Fhir.FhirEndpoints;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>Patient through FHIR: the patient verbs (FindPatients, RegisterPatient, AmendDemographics) and RecordEntries' everything.</summary>
internal static class FhirPatients
{
    private static F.Patient AsVersion(Patient p, DemographicsVersion v) =>
        PatientMapping.ToFhir(p with { Demographics = v.Demographics, Version = v.Number }, v.Time);

    public static async Task ReadAsync(HttpContext http, long id, string? vid)
    {
        var (actor, purpose, ct) = Caller(http);
        var verbs = Service<FindPatients>(http);
        var answer = await verbs.GetAsync(actor, id, purpose, http.GetDecided(), ct);
        if (!answer.Done) { await FhirHttp.RefusedAsync(http, answer); return; }
        var patient = answer.Value!;
        if (vid is null)
        {
            await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, PatientMapping.ToFhir(patient));
            return;
        }
        var history = await verbs.HistoryAsync(actor, id, purpose, http.GetDecided(), ct);
        if (!history.Done) { await FhirHttp.RefusedAsync(http, history); return; }
        var version = TryVersion(vid, out var n) ? history.Value!.FirstOrDefault(v => v.Number == n) : null;
        if (version is null) { await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, "no such version"); return; }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, AsVersion(patient, version));
    }

    public static async Task HistoryAsync(HttpContext http, long id)
    {
        var (actor, purpose, ct) = Caller(http);
        var verbs = Service<FindPatients>(http);
        var answer = await verbs.GetAsync(actor, id, purpose, http.GetDecided(), ct);
        if (!answer.Done) { await FhirHttp.RefusedAsync(http, answer); return; }
        var history = await verbs.HistoryAsync(actor, id, purpose, http.GetDecided(), ct);
        if (!history.Done) { await FhirHttp.RefusedAsync(http, history); return; }
        var resources = history.Value!.OrderBy(v => v.Number).Select(v => (F.Resource)AsVersion(answer.Value!, v)).ToList();
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.History(BaseOf(http), resources));
    }

    /// <summary>Patient?identifier=[system|]value, name=, birthdate=yyyy-MM-dd: the desk's search (identifier or name) narrowed by birth date.</summary>
    public static async Task SearchAsync(HttpContext http)
    {
        var q = http.Request.Query;
        foreach (var key in q.Keys)
            if (!PatientSearch.Contains(key) && !Control.Contains(key) || key == "_include")
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"search parameter '{Clip(key)}' is not supported on Patient (identifier, name, birthdate)");
                return;
            }
        if (!FhirEntries.TryPage(q, out int count, out int offset))
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "_count: 1 to 200; _offset: 0 or more");
            return;
        }
        var identifier = q["identifier"].ToString();
        if (identifier.Contains('|', StringComparison.Ordinal)) identifier = identifier[(identifier.LastIndexOf('|') + 1)..];
        var text = identifier.Length > 0 ? identifier : q["name"].ToString();
        if (text.Length == 0)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "search patients by identifier or name");
            return;
        }
        string? birth = null;
        if (q["birthdate"].ToString() is { Length: > 0 } b)
        {
            var date = b.StartsWith("eq", StringComparison.Ordinal) ? b[2..] : b;
            if (!DateTime.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "birthdate: a date (yyyy-MM-dd)");
                return;
            }
            birth = d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        }
        var (actor, purpose, ct) = Caller(http);
        var found = await Service<FindPatients>(http).SearchAsync(actor, text, purpose, FindPatients.MaxResults, ct);
        if (!found.Done) { await FhirHttp.RefusedAsync(http, found); return; }
        var matches = found.Value!.Where(p => p.Status != PatientStatus.Merged && (birth is null || p.Demographics.BirthDate == birth)).ToList();
        var page = matches.Skip(offset).Take(count).Select(p => (F.Resource)PatientMapping.ToFhir(p)).ToList();
        var parameters = q.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.SearchSet(BaseOf(http), "Patient", parameters, page, [], matches.Count, offset, count));
    }

    internal static async Task<ParsedPatient?> ParseAsync(HttpContext http, F.Resource resource)
    {
        try
        {
            return PatientParsing.ToPatient((F.Patient)resource);
        }
        catch (FhirInputException e)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(e));
            return null;
        }
    }

    private static async Task<F.Resource?> IncomingAsync(HttpContext http)
    {
        if (await FhirHttp.ReadResourceAsync(http) is not { } resource) return null;
        if (resource is not F.Patient)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"the body is a {resource.TypeName}, the URL names Patient", "resourceType");
            return null;
        }
        return await FhirHttp.ValidateAsync(http, resource) ? resource : null;
    }

    /// <summary>POST /fhir/Patient: registered in the caller's clinic (its only one, else the server's).</summary>
    public static async Task CreateAsync(HttpContext http)
    {
        if (await IncomingAsync(http) is not { } resource) return;
        if (await ParseAsync(http, resource) is not { } parsed) return;
        var (actor, purpose, ct) = Caller(http);
        // Conditional create (If-None-Exist: identifier=[system|]value): one match within reach is answered, not duplicated.
        if (http.Request.Headers["If-None-Exist"].ToString() is { Length: > 0 } condition)
        {
            var (status, error, match) = await MatchAsync(http, condition);
            if (error is not null)
            {
                await FhirHttp.OutcomeAsync(http, status, error);
                return;
            }
            if (match is not null)
            {
                http.Response.Headers.Location = $"{BaseOf(http)}/Patient/{match.Key}/_history/{match.Version}";
                await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, PatientMapping.ToFhir(match));
                return;
            }
        }
        var clinic = actor.OnlyClinicOr(Service<EnamelOptions>(http).Clinic);
        var answer = await Service<RegisterPatient>(http).ExecuteAsync(actor, new NewPatient(clinic, parsed.Demographics, parsed.Identifiers), purpose, "registered through FHIR", ct);
        if (!answer.Done)
        {
            await FhirHttp.OutcomeAsync(http, answer.Outcome == PatientOutcome.Invalid ? StatusCodes.Status422UnprocessableEntity : Features.Patients.PatientsApi.StatusOf(answer.Outcome),
                answer.Message, answer.Outcome == PatientOutcome.Invalid ? "Patient" : null);
            return;
        }
        http.Response.Headers.Location = $"{BaseOf(http)}/Patient/{answer.Value!.Key}/_history/{answer.Value.Version}";
        await FhirHttp.WriteAsync(http, StatusCodes.Status201Created, PatientMapping.ToFhir(answer.Value));
    }

    /// <summary>
    /// A conditional create's match (<c>identifier=[system|]value</c>): the one patient within the caller's reach who
    /// has the identifier, null when none; an error (with its status) for a bad condition or several matches.
    /// </summary>
    internal static async Task<(int Status, string? Error, Patient? Match)> MatchAsync(HttpContext http, string condition)
    {
        var criteria = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(condition.StartsWith('?') ? condition : "?" + condition);
        if (criteria.Count != 1 || !criteria.TryGetValue("identifier", out var wanted) || wanted.Count != 1 || wanted[0] is not { Length: > 0 } idText)
            return (StatusCodes.Status400BadRequest, "If-None-Exist: identifier=[system|]value", null);
        var (actor, purpose, ct) = Caller(http);
        var system = idText.Contains('|', StringComparison.Ordinal) ? idText[..idText.LastIndexOf('|')] : null;
        var value = idText.Contains('|', StringComparison.Ordinal) ? idText[(idText.LastIndexOf('|') + 1)..] : idText;
        var found = await Service<FindPatients>(http).SearchAsync(actor, value, purpose, FindPatients.MaxResults, ct);
        if (!found.Done) return (Features.Patients.PatientsApi.StatusOf(found.Outcome), found.Message, null);
        var matches = found.Value!.Where(p => p.Status != PatientStatus.Merged && p.Identifiers.Any(i => i.Value == value && (system is null or "" || PatientMapping.SystemOf(i.Type) == system))).ToList();
        if (matches.Count > 1) return (StatusCodes.Status412PreconditionFailed, "If-None-Exist: more than one patient has this identifier", null);
        return (StatusCodes.Status200OK, null, matches.Count == 1 ? matches[0] : null);
    }

    /// <summary>PUT /fhir/Patient/{id}: a new version of the demographics (identifiers are changed at the desk, not here).</summary>
    public static async Task UpdateAsync(HttpContext http, long id)
    {
        if (await IncomingAsync(http) is not { } resource) return;
        if (resource.Id != id.ToString(CultureInfo.InvariantCulture))
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "the resource's id must be the id in the URL", "Patient.id");
            return;
        }
        if (await FhirHttp.VersionAsync(http, resource) is not { } version) return;
        if (await ParseAsync(http, resource) is not { } parsed) return;
        var (actor, purpose, ct) = Caller(http);
        var answer = await Service<AmendDemographics>(http).ExecuteAsync(actor, id, version.Version, parsed.Demographics, "amended through FHIR", purpose, http.GetDecided(), ct);
        if (!answer.Done)
        {
            int status = answer.Outcome switch
            {
                PatientOutcome.Invalid => StatusCodes.Status422UnprocessableEntity,
                PatientOutcome.Conflict when version.FromHeader => StatusCodes.Status412PreconditionFailed,
                _ => Features.Patients.PatientsApi.StatusOf(answer.Outcome),
            };
            await FhirHttp.OutcomeAsync(http, status, answer.Message);
            return;
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, PatientMapping.ToFhir(answer.Value!));
    }

    /// <summary>Patient/{id}/$everything: the patient and every entry of the categories the caller reads (each decided by the verb).</summary>
    public static async Task EverythingAsync(HttpContext http, long id)
    {
        var (actor, purpose, ct) = Caller(http);
        var patient = await Service<FindPatients>(http).GetAsync(actor, id, purpose, http.GetDecided(), ct);
        if (!patient.Done) { await FhirHttp.RefusedAsync(http, patient); return; }
        var everything = await Service<RecordEntries>(http).EverythingAsync(actor, id, purpose, ct);
        IReadOnlyList<RecordEntry> entries = everything.Done ? everything.Value! : [];
        if (!everything.Done && everything.Outcome != PatientOutcome.Denied) { await FhirHttp.RefusedAsync(http, everything); return; }
        var resources = entries.Where(e => EntryMapping.IsMapped(e.Kind)).SelectMany(EntryMapping.ToFhir).ToList();
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.Everything(BaseOf(http), PatientMapping.ToFhir(patient.Value!), resources));
    }
}
