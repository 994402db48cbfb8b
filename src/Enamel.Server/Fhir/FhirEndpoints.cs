using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Fhir.Conformance;
using Enamel.Fhir.Mapping;
using Enamel.Fhir.Validation;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>
/// FHIR R4 at <c>/fhir</c> over the same verbs as the JSON API (<see cref="RecordEntries"/>, the patient verbs): each
/// decides with the policy and audits. Per record type (<see cref="Routes"/>): read, vread, instance history, search,
/// create, update (If-Match W/"n"; a stale version is 412); Patient read/vread/history/search/create/update and
/// <c>$everything</c> (only the categories the caller reads); <c>Composition/{id}/$document</c>; Task (the trail of a lab
/// case or referral: read, search, update moves it); Provenance of every version. <c>/fhir/metadata</c> is public, as
/// on other FHIR servers: it says what is served, nothing about any patient.
/// <para>Markers: a type that holds one entry kind names its item (<c>{id}</c> of that kind) with that kind's category,
/// so the gate decides once and the verb acts on it. Procedure (past procedures: medical history; dental procedures:
/// treatment), ServiceRequest and Task (lab cases: lab reports; referrals: referrals) hold two kinds under different
/// categories: their routes are gated as reaching patients' records (Demographics:Read, as a search) and the verb
/// decides the entry's own category.</para>
/// </summary>
internal static class FhirEndpoints
{
    public const string Prefix = "/fhir";

    /// <summary>One resource type served from record entries: its kinds, whether it is the Task view, what it takes.</summary>
    internal sealed record TypeRoute(string Type, IReadOnlyList<RecordKind> Kinds, bool IsTask, bool Writable)
    {
        public bool SingleKind => Kinds.Count == 1;
    }

    /// <summary>The record types: every mapped entry type (DocumentReference read-only: its content is uploaded through the documents API), and Task.</summary>
    internal static IReadOnlyList<TypeRoute> Routes { get; } =
    [
        .. FhirSupport.Resources.Where(r => r.Type is not ("Patient" or "Provenance" or "Task"))
            .Select(r => new TypeRoute(r.Type, EntryMapping.KindsOf(r.Type), IsTask: false, Writable: r.Type != "DocumentReference")),
        new TypeRoute("Task", EntryMapping.KindsOf("Task"), IsTask: true, Writable: true),
    ];

    /// <summary>The search parameters the endpoint implements (the CapabilityStatement lists only these).</summary>
    internal static readonly HashSet<string> EntrySearch =
        ["_id", "_lastUpdated", "patient", "subject", "beneficiary", "code", "status", "clinical-status", "category", "date", "onset-date", "recorded-date", "effective", "authoredon", "authored", "body-site"];

    internal static readonly HashSet<string> PatientSearch = ["identifier", "name", "birthdate"];

    /// <summary>Parameters every search accepts besides the type's own.</summary>
    internal static readonly HashSet<string> Control = ["_count", "_offset", "_format", "_include"];

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        app.MapGet(Prefix + "/metadata", Metadata).Public().Fhir();
        var reach = new Operation(RecordCategory.Demographics, RecordAction.Read);
        foreach (var route in Routes)
        {
            var path = $"{Prefix}/{route.Type}";
            var kind = route.Kinds[0];
            var category = RecordEntries.CategoryOf(kind);
            IEndpointConventionBuilder Gate(IEndpointConventionBuilder b, RecordAction action, bool item) => (
                !route.SingleKind ? b.Requires(reach.Category, reach.Action, EndpointScope.Search)
                : item ? b.Requires(category, action).Item(kind, "id")
                : b.Requires(category, action, EndpointScope.Search));
            Gate(app.MapGet(path + "/{id}", (HttpContext http, string id) => FhirEntries.ReadAsync(http, route, id, null)), RecordAction.Read, true).Fhir();
            Gate(app.MapGet(path + "/{id}/_history/{vid}", (HttpContext http, string id, string vid) => FhirEntries.ReadAsync(http, route, id, vid)), RecordAction.Read, true).Fhir();
            Gate(app.MapGet(path + "/{id}/_history", (HttpContext http, string id) => FhirEntries.HistoryAsync(http, route, id)), RecordAction.Read, true).Fhir();
            Gate(app.MapGet(path, (HttpContext http) => FhirEntries.SearchAsync(http, route)), RecordAction.Read, false).Fhir();
            Gate(app.MapGet(path + "/_history", (HttpContext http) => FhirEntries.TypeHistoryAsync(http, route)), RecordAction.Read, false).Fhir();
            if (route.Writable)
            {
                Gate(app.MapPut(path + "/{id}", (HttpContext http, string id) => FhirEntries.UpdateAsync(http, route, id)), RecordAction.Amend, true).Fhir();
                if (!route.IsTask) Gate(app.MapPost(path, (HttpContext http) => FhirEntries.CreateAsync(http, route)), RecordAction.Create, false).Fhir();
            }
            if (route.Type == "Composition")
                app.MapGet(path + "/{id}/$document", (HttpContext http, string id) => FhirEntries.DocumentAsync(http, id))
                    .Requires(RecordCategory.ClinicalNotes, RecordAction.Read).Item(RecordKind.Note, "id").Fhir();
        }
        var patient = Prefix + "/Patient";
        app.MapGet(patient + "/{id:long}", (HttpContext http, long id) => FhirPatients.ReadAsync(http, id, null))
            .Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "id").Fhir();
        app.MapGet(patient + "/{id:long}/_history/{vid}", (HttpContext http, long id, string vid) => FhirPatients.ReadAsync(http, id, vid))
            .Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "id").Fhir();
        app.MapGet(patient + "/{id:long}/_history", (HttpContext http, long id) => FhirPatients.HistoryAsync(http, id))
            .Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "id").Fhir();
        app.MapGet(patient + "/{id:long}/$everything", (HttpContext http, long id) => FhirPatients.EverythingAsync(http, id))
            .Requires(RecordCategory.Demographics, RecordAction.Read).Item(RecordKind.Patient, "id").Fhir();
        app.MapGet(patient, FhirPatients.SearchAsync).Requires(RecordCategory.Demographics, RecordAction.Read, EndpointScope.Search).Fhir();
        app.MapPost(patient, FhirPatients.CreateAsync).Requires(RecordCategory.Demographics, RecordAction.Create, EndpointScope.Search).Fhir();
        app.MapPut(patient + "/{id:long}", (HttpContext http, long id) => FhirPatients.UpdateAsync(http, id))
            .Requires(RecordCategory.Demographics, RecordAction.Amend).Item(RecordKind.Patient, "id").Fhir();
        app.MapGet(Prefix + "/Provenance", FhirEntries.ProvenanceSearchAsync).Requires(reach.Category, reach.Action, EndpointScope.Search).Fhir();
        app.MapGet(Prefix + "/Provenance/{id}", (HttpContext http, string id) => FhirEntries.ProvenanceReadAsync(http, id))
            .Requires(reach.Category, reach.Action, EndpointScope.Search).Fhir();
        // The archive: ImagingStudy from the study index, and the DICOMweb Endpoint its series point at.
        app.MapGet(Prefix + "/ImagingStudy/{id}", (HttpContext http, string id) => FhirImaging.ReadAsync(http, id))
            .Requires(RecordCategory.Imaging, RecordAction.Read).Item(RecordKind.Study, "id").Fhir();
        app.MapGet(Prefix + "/ImagingStudy", FhirImaging.SearchAsync).Requires(RecordCategory.Imaging, RecordAction.Read, EndpointScope.Search).Fhir();
        app.MapGet(Prefix + "/Endpoint/{id}", (HttpContext http, string id) => FhirImaging.EndpointAsync(http, id)).SignedIn().Fhir();
        // Batch Bundles: each entry runs through its route's handler, and its verb decides it; a transaction is one LoadRecord.
        app.MapPost(Prefix, FhirBatch.PostAsync).Requires(reach.Category, reach.Action, EndpointScope.Search).Fhir();
        // Anything else under /fhir: an unknown type or path is 404, a known one with a method it does not take 405.
        app.MapMethods(Prefix + "/{**path}", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"], Unknown).SignedIn().Fhir();
        return app;
    }

    private static TBuilder Fhir<TBuilder>(this TBuilder b) where TBuilder : IEndpointConventionBuilder => b.WithMetadata(FhirHttp.Refusals.Instance).ExcludeFromDescription();

    public static string BaseOf(HttpContext http) => PublicBase.Of(http) + Prefix;

    private static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    private static Task Metadata(HttpContext http)
    {
        var version = typeof(FhirEndpoints).Assembly.GetName().Version?.ToString() ?? "0";
        var statement = CapabilityStatementBuilder.Build(BaseOf(http), version, Started, Served());
        // Batch Bundles, and transactions that load one patient's record (FhirTransaction): no system-wide history or search.
        statement.Rest[0].Interaction.RemoveAll(i => i.Code is not (F.CapabilityStatement.SystemRestfulInteraction.Batch or F.CapabilityStatement.SystemRestfulInteraction.Transaction));
        return FhirHttp.WriteAsync(http, StatusCodes.Status200OK, statement);
    }

    /// <summary><see cref="FhirSupport.Resources"/> trimmed to what these routes serve: the statement claims nothing more.</summary>
    internal static IReadOnlyList<ResourceSupport> Served()
    {
        var list = new List<ResourceSupport>();
        foreach (var r in FhirSupport.Resources)
        {
            var route = Routes.FirstOrDefault(x => x.Type == r.Type);
            var interactions = r.Interactions.Where(i => (i != F.CapabilityStatement.TypeRestfulInteraction.HistoryType || route is not null)
                && (route is null || route.Writable || i is not (F.CapabilityStatement.TypeRestfulInteraction.Create or F.CapabilityStatement.TypeRestfulInteraction.Update))
                && !(route is { IsTask: true } && i == F.CapabilityStatement.TypeRestfulInteraction.Create)).ToList();
            var names = r.Type == "Patient" ? PatientSearch : r.Type == "Provenance" ? ["target"] : r.Type == "Task" ? ["patient", "_lastUpdated"] : EntrySearch;
            var search = r.Search.Where(s => names.Contains(s.Name)).ToList();
            var operations = r.Operations;
            list.Add(r with { Interactions = interactions, Search = search, ConditionalCreate = r.Type == "Patient", Operations = operations, Includes = r.Type is "Provenance" or "Patient" ? [] : r.Includes });
        }
        // The archive's types (FhirImaging): read, and ImagingStudy searched by patient and _id.
        foreach (var r in FhirSupport.MappedNotServed.Where(r => r.Type is "ImagingStudy" or "Endpoint"))
            list.Add(r with
            {
                Interactions = r.Type == "Endpoint" ? [F.CapabilityStatement.TypeRestfulInteraction.Read] : r.Interactions,
                Search = r.Type == "Endpoint" ? [] : [.. r.Search.Where(s => s.Name is "patient" or "_id")],
                Includes = [],
            });
        return list;
    }

    private static Task Unknown(HttpContext http, string path)
    {
        var type = path.Split('/')[0];
        bool known = type == "metadata" || type is "Patient" or "Provenance" or "ImagingStudy" or "Endpoint" || Routes.Any(r => r.Type == type);
        if (known && path.Split('/').Length <= 3)
        {
            http.Response.Headers.Allow = "GET, POST, PUT";
            return FhirHttp.OutcomeAsync(http, StatusCodes.Status405MethodNotAllowed, $"{http.Request.Method} is not supported on {type}");
        }
        return FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, known ? "no such interaction" : $"resource type '{Clip(type)}' is not served here");
    }

    internal static string Clip(string s) => s.Length > 40 ? s[..40] : s;

    internal static bool TryVersion(string? text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;

    internal static (Actor Actor, Purpose Purpose, CancellationToken Ct) Caller(HttpContext http) => (http.GetActor()!, http.GetPurpose(), http.RequestAborted);

    internal static T Service<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();

    internal static FhirValidator Validator => FhirValidator.Shared;
}
