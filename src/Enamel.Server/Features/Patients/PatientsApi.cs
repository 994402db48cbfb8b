using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Enamel.Server.Features.Patients;

/// <summary>
/// The patient JSON API over the Core verbs (the CLI calls the same ones): <c>GET /api/patients?q=</c> search box,
/// <c>POST /api/patients</c> register, <c>GET /api/patients/{patient}</c>, <c>GET …/history</c>, <c>PUT …</c> amend
/// (with the version read, a reason), <c>POST …/merge</c> (a duplicate into this record), <c>POST …/move</c> (another clinic).
/// The gate decides the route's operation; each verb decides the exact record it touches. Writes take JSON only, so a
/// cross-site form cannot ride a session cookie.
/// </summary>
internal static class PatientsApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapPatientsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/patients", SearchAsync).Requires(RecordCategory.Demographics, RecordAction.Read, scope: EndpointScope.Search);
        // Like STOW: the gate asks whether any role may register at all; the verb decides for the clinic the body names.
        app.MapPost("/api/patients", RegisterAsync).Requires(RecordCategory.Demographics, RecordAction.Create, scope: EndpointScope.EachInstance);
        app.MapGet("/api/patients/{patient:long}", GetAsync).Requires(RecordCategory.Demographics, RecordAction.Read)
            .Item(RecordKind.Patient, "patient");
        app.MapGet("/api/patients/{patient:long}/history", HistoryAsync).Requires(RecordCategory.Demographics, RecordAction.Read)
            .Item(RecordKind.Patient, "patient");
        app.MapPut("/api/patients/{patient:long}", AmendAsync).Requires(RecordCategory.Demographics, RecordAction.Amend)
            .Item(RecordKind.Patient, "patient");
        app.MapPost("/api/patients/{patient:long}/merge", MergeAsync).Requires(RecordCategory.Demographics, RecordAction.Amend)
            .Item(RecordKind.Patient, "patient");
        app.MapPost("/api/patients/{patient:long}/move", MoveAsync).Requires(RecordCategory.Demographics, RecordAction.Amend)
            .Item(RecordKind.Patient, "patient");
        return app;
    }

    // ---- wire forms -------------------------------------------------------------------------------------------------

    public sealed record NameGroupDto(string? Family, string? Given, string? Middle = null, string? Prefix = null, string? Suffix = null)
    {
        public NameGroup ToGroup() => new((Family ?? "").Trim(), (Given ?? "").Trim(), (Middle ?? "").Trim(), (Prefix ?? "").Trim(), (Suffix ?? "").Trim());
        public static NameGroupDto? Of(NameGroup g) => g.IsEmpty ? null : new(g.Family, g.Given, NullIfEmpty(g.Middle), NullIfEmpty(g.Prefix), NullIfEmpty(g.Suffix));
    }

    public sealed record NameDto(string? Family, string? Given, string? Middle, string? Prefix, string? Suffix, NameGroupDto? Ideographic, NameGroupDto? Phonetic, string? Dicom = null)
    {
        public PatientName ToName() => new(new NameGroupDto(Family, Given, Middle, Prefix, Suffix).ToGroup(), Ideographic?.ToGroup() ?? NameGroup.Empty,
            Phonetic?.ToGroup() ?? NameGroup.Empty);

        public static NameDto Of(PatientName n) => new(n.Alphabetic.Family, n.Alphabetic.Given, NullIfEmpty(n.Alphabetic.Middle), NullIfEmpty(n.Alphabetic.Prefix),
            NullIfEmpty(n.Alphabetic.Suffix), NameGroupDto.Of(n.Ideographic), NameGroupDto.Of(n.Phonetic), n.ToDicom());
    }

    public sealed record ContactDto(ContactKind Kind, string Value, string? Use);
    public sealed record IdentifierDto(IdentifierType Type, string? Issuer, string Value, bool Alias = false);

    public sealed record DemographicsDto(NameDto? Name, string? BirthDate, string? Sex, IReadOnlyList<ContactDto>? Contacts, string? PreferredLanguage, string? DeceasedDate)
    {
        public Demographics ToDemographics() => new()
        {
            Name = Name?.ToName() ?? new PatientName(NameGroup.Empty, NameGroup.Empty, NameGroup.Empty),
            BirthDate = (BirthDate ?? "").Replace("-", "").Trim(),
            Sex = (Sex ?? "").Trim().ToUpperInvariant(),
            Contacts = [.. (Contacts ?? []).Select(c => new ContactPoint(c.Kind, (c.Value ?? "").Trim(), (c.Use ?? "").Trim()))],
            PreferredLanguage = (PreferredLanguage ?? "").Trim(),
            DeceasedDate = (DeceasedDate ?? "").Replace("-", "").Trim(),
        };
    }

    public sealed record RegisterRequest(string? Clinic, DemographicsDto? Demographics, IReadOnlyList<IdentifierDto>? Identifiers, IReadOnlyList<string>? Guardians, string? Reason);
    public sealed record AmendRequest(int? Version, DemographicsDto? Demographics, string? Reason);
    public sealed record MergeRequest(long? Merged, string? Reason);
    public sealed record MoveRequest(string? Clinic);

    public sealed record PatientDto(long Key, string Clinic, PatientStatus Status, long? MergedInto, int Version, DateTimeOffset Created, NameDto Name, string BirthDate,
        string Sex, IReadOnlyList<ContactDto> Contacts, string PreferredLanguage, string DeceasedDate, IReadOnlyList<IdentifierDto> Identifiers, IReadOnlyList<string> Guardians)
    {
        public static PatientDto Of(Patient p) => new(p.Key, p.Clinic, p.Status, p.MergedInto, p.Version, p.Created, NameDto.Of(p.Demographics.Name),
            p.Demographics.BirthDate, p.Demographics.Sex, [.. p.Demographics.Contacts.Select(c => new ContactDto(c.Kind, c.Value, NullIfEmpty(c.Use)))],
            p.Demographics.PreferredLanguage, p.Demographics.DeceasedDate, [.. p.Identifiers.Select(i => new IdentifierDto(i.Type, i.Issuer, i.Value, i.Alias))], p.Guardians);
    }

    public sealed record VersionDto(int Version, string Author, DateTimeOffset Time, string Reason, NameDto Name, string BirthDate, string Sex);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    // ---- handlers -----------------------------------------------------------------------------------------------------

    private static async Task SearchAsync(HttpContext http, FindPatients find)
    {
        int limit = int.TryParse(http.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 50;
        var answer = await find.SearchAsync(http.GetActor()!, http.Request.Query["q"].ToString(), http.GetPurpose(), limit, http.RequestAborted);
        await WriteAsync(http, answer, list => list.Select(PatientDto.Of).ToList());
    }

    private static async Task RegisterAsync(HttpContext http, RegisterPatient register, EnamelOptions options)
    {
        if (await ReadAsync<RegisterRequest>(http) is not { } body) return;
        if (body.Demographics is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "demographics (name, birthDate, sex, contacts) are required");
            return;
        }
        var clinic = string.IsNullOrWhiteSpace(body.Clinic) ? http.GetActor()!.OnlyClinicOr(options.Clinic) : body.Clinic;
        var request = new NewPatient(clinic, body.Demographics.ToDemographics(),
            [.. (body.Identifiers ?? []).Select(i => new PatientIdentifier(i.Type, i.Issuer ?? "", i.Value ?? ""))]) { Guardians = body.Guardians ?? [] };
        var answer = await register.ExecuteAsync(http.GetActor()!, request, http.GetPurpose(), body.Reason ?? "", http.RequestAborted);
        if (answer.Done) http.Response.Headers.Location = $"/api/patients/{answer.Value!.Key.ToString(CultureInfo.InvariantCulture)}";
        await WriteAsync(http, answer, PatientDto.Of, StatusCodes.Status201Created);
    }

    private static async Task GetAsync(HttpContext http, long patient, FindPatients find) =>
        await WriteAsync(http, await find.GetAsync(http.GetActor()!, patient, http.GetPurpose(), http.GetDecided(), http.RequestAborted), PatientDto.Of);

    private static async Task HistoryAsync(HttpContext http, long patient, FindPatients find) =>
        await WriteAsync(http, await find.HistoryAsync(http.GetActor()!, patient, http.GetPurpose(), http.GetDecided(), http.RequestAborted),
            versions => versions.Select(v => new VersionDto(v.Number, v.AuthorId, v.Time, v.Reason, NameDto.Of(v.Demographics.Name), v.Demographics.BirthDate, v.Demographics.Sex)).ToList());

    private static async Task AmendAsync(HttpContext http, long patient, AmendDemographics amend)
    {
        if (await ReadAsync<AmendRequest>(http) is not { } body) return;
        if (body.Version is null || body.Demographics is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "send the version you read, the demographics and a reason");
            return;
        }
        await WriteAsync(http, await amend.ExecuteAsync(http.GetActor()!, patient, body.Version.Value, body.Demographics.ToDemographics(), body.Reason ?? "",
            http.GetPurpose(), http.GetDecided(), http.RequestAborted), PatientDto.Of);
    }

    private static async Task MergeAsync(HttpContext http, long patient, MergePatients merge)
    {
        if (await ReadAsync<MergeRequest>(http) is not { } body) return;
        if (body.Merged is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "name the duplicate record to merge into this one (merged) and a reason");
            return;
        }
        await WriteAsync(http, await merge.ExecuteAsync(http.GetActor()!, patient, body.Merged.Value, body.Reason ?? "", http.GetPurpose(), http.GetDecided(), http.RequestAborted), PatientDto.Of);
    }

    private static async Task MoveAsync(HttpContext http, long patient, MovePatient move)
    {
        if (await ReadAsync<MoveRequest>(http) is not { } body) return;
        await WriteAsync(http, await move.ExecuteAsync(http.GetActor()!, patient, body.Clinic ?? "", http.GetPurpose(), http.GetDecided(), http.RequestAborted), PatientDto.Of);
    }

    /// <summary>The JSON body, or null with a 415/400 answer already written.</summary>
    private static async Task<T?> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "send application/json");
            return null;
        }
        try
        {
            if (await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted) is { } body) return body;
        }
        catch (JsonException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, $"the JSON body does not read: {ex.Message.Split('.')[0]}");
            return null;
        }
        await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "the JSON body is empty");
        return null;
    }

    /// <summary>The one mapping of a verb's outcome to HTTP.</summary>
    private static Task WriteAsync<T, TOut>(HttpContext http, PatientAnswer<T> answer, Func<T, TOut> project, int success = StatusCodes.Status200OK)
    {
        if (!answer.Done) return Problem.WriteAsync(http, StatusOf(answer.Outcome), answer.Message);
        http.Response.StatusCode = success;
        return http.Response.WriteAsJsonAsync(project(answer.Value!), Json, http.RequestAborted);
    }

    /// <summary>The one mapping of a patient or record verb's refusal to an HTTP status (the entries API uses it too).</summary>
    internal static int StatusOf(PatientOutcome outcome) => outcome switch
    {
        PatientOutcome.Invalid => StatusCodes.Status400BadRequest,
        PatientOutcome.Denied => StatusCodes.Status403Forbidden,
        PatientOutcome.NotFound => StatusCodes.Status404NotFound,
        PatientOutcome.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status500InternalServerError,
    };
}
