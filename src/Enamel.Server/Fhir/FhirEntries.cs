using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Fhir.Mapping;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Http;
using static Enamel.Server.Fhir.FhirEndpoints;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>The record entry interactions of <see cref="FhirEndpoints"/>: each one call of a <see cref="RecordEntries"/> verb.</summary>
internal static class FhirEntries
{
    /// <summary>Default and largest page of a search.</summary>
    public const int DefaultCount = 20;

    private static F.Resource Resource(TypeRoute route, RecordEntry e) => route.IsTask ? EntryMapping.ToTask(e) : EntryMapping.ToResource(e);

    /// <summary>
    /// Which of the type's kinds the id is (a type of one kind: that one). Only picks the kind the verb is asked about; the
    /// verb decides, and an id of no kind is answered by it as not found, like one out of reach.
    /// </summary>
    private static async Task<RecordKind> KindOfAsync(HttpContext http, TypeRoute route, string id)
    {
        if (route.SingleKind || id.Length is 0 or > 64) return route.Kinds[0];
        var store = Service<IRecordEntryStore>(http);
        foreach (var k in route.Kinds)
            if (await store.GetAsync(k, id, http.RequestAborted) is not null) return k;
        return route.Kinds[0];
    }

    public static async Task ReadAsync(HttpContext http, TypeRoute route, string id, string? vid)
    {
        int? version = null;
        if (vid is not null)
        {
            if (!TryVersion(vid, out var v)) { await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, "no such version"); return; }
            version = v;
        }
        var (actor, purpose, ct) = Caller(http);
        var kind = await KindOfAsync(http, route, id);
        var answer = await Service<RecordEntries>(http).ReadAsync(actor, kind, id, version, purpose, http.GetDecided(), ct);
        if (!answer.Done) { await FhirHttp.RefusedAsync(http, answer); return; }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, Resource(route, answer.Value!));
    }

    public static async Task HistoryAsync(HttpContext http, TypeRoute route, string id)
    {
        var (actor, purpose, ct) = Caller(http);
        var kind = await KindOfAsync(http, route, id);
        var answer = await Service<RecordEntries>(http).HistoryAsync(actor, kind, id, purpose, http.GetDecided(), ct);
        if (!answer.Done) { await FhirHttp.RefusedAsync(http, answer); return; }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.EntryHistory(BaseOf(http), answer.Value!, route.IsTask));
    }

    /// <summary>
    /// GET /fhir/{Type}/_history[?_since=instant&amp;_count=n]: the versions of the type's entries within the caller's reach
    /// (those of the <c>_count</c> entries most recently changed, default 100), newest first.
    /// </summary>
    public static async Task TypeHistoryAsync(HttpContext http, TypeRoute route)
    {
        DateTimeOffset? since = null;
        var count = 100;
        foreach (var (name, values) in http.Request.Query)
        {
            var value = values.ToString();
            switch (name)
            {
                case "_since" when DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) && value.Contains('T', StringComparison.Ordinal):
                    since = t;
                    break;
                case "_since":
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "_since: an instant (yyyy-MM-ddThh:mm:ss with a zone)", "_since");
                    return;
                case "_count" when int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and <= RecordEntries.MaxResults:
                    count = n;
                    break;
                case "_count":
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"_count: 1 to {RecordEntries.MaxResults}", "_count");
                    return;
                case "_format":
                    break;
                default:
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"{name}: a type's history takes _since and _count", name);
                    return;
            }
        }
        var (actor, purpose, ct) = Caller(http);
        var answer = await Service<RecordEntries>(http).KindHistoryAsync(actor, await ReadableKindsAsync(http, route.Kinds), since, count, purpose, ct);
        if (!answer.Done) { await FhirHttp.RefusedAsync(http, answer); return; }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.EntryHistory(BaseOf(http), answer.Value!, route.IsTask));
    }

    /// <summary>
    /// A type of two kinds under two categories (Procedure, ServiceRequest, Task) searches the kinds whose category the
    /// caller's roles read; when they read neither, all of them, so that the verb refuses.
    /// </summary>
    private static async Task<IReadOnlyCollection<RecordKind>> ReadableKindsAsync(HttpContext http, IReadOnlyCollection<RecordKind> kinds)
    {
        if (kinds.Count < 2) return kinds;
        var capabilities = await Service<AccessPolicy>(http).CapabilitiesAsync(http.GetActor()!, http.RequestAborted);
        var readable = kinds.Where(k => capabilities.Permits(new Operation(RecordEntries.CategoryOf(k), RecordAction.Read))).ToList();
        return readable.Count > 0 ? readable : kinds;
    }

    // ---- search -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A search of an entry type, read by <see cref="FhirSearch"/> (Enamel.Fhir): what Core's query holds goes to the store
    /// and pages there; what it does not (several states, body-site, the procedure or document category, _id) is matched
    /// on the opened entries of at most <see cref="RecordEntries.MaxResults"/> matches and paged here. Declared parameters
    /// the endpoint does not match yet are refused (400) rather than ignored.
    /// </summary>
    public static async Task SearchAsync(HttpContext http, TypeRoute route)
    {
        if (route.IsTask) { await TaskSearchAsync(http, route); return; }
        var (actor, purpose, ct) = Caller(http);
        var parameters = http.Request.Query.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        FhirSearch search;
        try
        {
            search = FhirSearch.Parse(route.Type, parameters);
        }
        catch (FhirInputException e)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, e.Reason, e.Element);
            return;
        }
        if (search.Other.Count > 0)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"search parameter '{Clip(search.Other[0].Key)}' is not matched by this server yet", search.Other[0].Key);
            return;
        }
        var kinds = await ReadableKindsAsync(http, search.Kinds);
        bool opened = search.States.Count > 1 || search.Tooth is not null || search.ProcedureCategory is not null || search.DocumentCategory is not null || search.Id is not null;
        var query = search.ToQuery(PatientReach.None) with { Kinds = kinds };
        if (opened) query = query with { Limit = RecordEntries.MaxResults, Skip = 0 };
        var found = await Service<RecordEntries>(http).FindAsync(actor, query, purpose, ct);
        // A patient that does not exist or is beyond reach: nothing matches (as a search naming no patient would show).
        if (!found.Done && found.Outcome != PatientOutcome.NotFound) { await FhirHttp.RefusedAsync(http, found); return; }
        var (matches, total) = found.Done ? found.Value : ([], 0);
        if (opened)
        {
            if (total > RecordEntries.MaxResults)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"more than {RecordEntries.MaxResults} entries to match: narrow the search (patient, date, code)");
                return;
            }
            var kept = matches.Where(e => Matches(search, e)).ToList();
            total = kept.Count;
            matches = [.. kept.Skip(search.Offset).Take(search.Count)];
        }
        var included = new List<F.Resource>();
        if (search.IncludePatient)
        {
            var patients = Service<FindPatients>(http);
            foreach (var key in matches.Select(m => m.PatientKey).Distinct())
                if ((await patients.GetAsync(actor, key, purpose, ct)) is { Done: true } p) included.Add(PatientMapping.ToFhir(p.Value!));
        }
        var bundle = FhirBundles.SearchSet(BaseOf(http), route.Type, parameters, [.. matches.Select(m => Resource(route, m))], included, total, search.Offset, search.Count);
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, bundle);
    }

    /// <summary>What the store's query does not hold, on an opened entry.</summary>
    private static bool Matches(FhirSearch s, RecordEntry e) =>
        (s.States.Count <= 1 || s.States.Contains(e.Body.State))
        && (s.Id is null || e.Id == s.Id)
        && (s.Tooth is null || e.Body is Core.Treatment.Procedure { Tooth: var tooth } && tooth == s.Tooth)
        && (s.DocumentCategory is null || e.Body.Category == s.DocumentCategory)
        && (s.ProcedureCategory is null || s.ProcedureCategory == e.Body switch
        {
            Core.History.PastProcedure p => p.Type == "surgery" ? "past-surgery" : "past-hospitalisation",
            Core.Treatment.Procedure p => p.Status == "existing" ? "existing-work" : "dental-treatment",
            _ => "",
        });

    /// <summary>Task?patient=&amp;_lastUpdated=: the trails of lab cases and referrals.</summary>
    private static async Task TaskSearchAsync(HttpContext http, TypeRoute route)
    {
        var (actor, purpose, ct) = Caller(http);
        var q = http.Request.Query;
        var allowed = route.IsTask ? new HashSet<string> { "patient", "_lastUpdated" } : EntrySearch;
        foreach (var key in q.Keys)
            if (!allowed.Contains(key) && !Control.Contains(key))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest,
                    $"search parameter '{Clip(key)}' is not supported on {route.Type} (see /fhir/metadata)");
                return;
            }
        if (!TryPage(q, out int count, out int offset))
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"_count: 1 to {RecordEntries.MaxResults}; _offset: 0 or more");
            return;
        }
        var query = new EntryQuery(route.Kinds, PatientReach.None) { Limit = count, Skip = offset };
        // patient / subject / beneficiary: Patient/{key} or the key.
        foreach (var name in new[] { "patient", "subject", "beneficiary" })
            if (q[name].ToString() is { Length: > 0 } p)
            {
                if (PatientKeyOf(p) is not { } key)
                {
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"{name}: a patient reference (Patient/123)");
                    return;
                }
                query = query with { PatientKey = key };
            }
        if (q["code"].ToString() is { Length: > 0 } code) query = query with { Code = code };
        if ((q["status"].ToString() is { Length: > 0 } s ? s : q["clinical-status"].ToString()) is { Length: > 0 } status)
            query = query with { State = StateOf(route.Type, status) };
        foreach (var name in new[] { "date", "onset-date", "recorded-date", "effective", "authoredon", "authored" })
            foreach (var value in q[name])
            {
                if (!DateRange(value ?? "", out var from, out var to))
                {
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"{name}: [eq|ge|gt|le|lt]yyyy[-MM[-dd]]");
                    return;
                }
                if (from is not null) query = query with { DateFrom = from };
                if (to is not null) query = query with { DateTo = to };
            }
        foreach (var value in q["_lastUpdated"])
        {
            var v = value ?? "";
            var prefix = v.Length > 2 && char.IsAsciiLetter(v[0]) ? v[..2] : "";
            if (prefix is not ("ge" or "gt") || !DateTimeOffset.TryParse(v[2..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "_lastUpdated: ge or gt and an instant (ge2026-01-10T09:00:00Z)");
                return;
            }
            query = query with { UpdatedSince = since };
        }
        if (q["category"].ToString() is { Length: > 0 } category)
        {
            var kinds = KindsOfCategory(route, category);
            if (kinds is null)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"category is not a search parameter of {route.Type}");
                return;
            }
            if (category.EndsWith("existing-work", StringComparison.Ordinal)) query = query with { State = "existing" };
            query = query with { Kinds = kinds };
        }
        var include = q["_include"].ToString();
        if (include.Length > 0 && include != $"{route.Type}:patient")
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"_include: only {route.Type}:patient");
            return;
        }
        query = query with { Kinds = await ReadableKindsAsync(http, query.Kinds) };
        IReadOnlyList<RecordEntry> matches = [];
        int total = 0;
        if (query.Kinds.Count > 0)
        {
            var found = await Service<RecordEntries>(http).FindAsync(actor, query, purpose, ct);
            // A patient that does not exist or is beyond reach: nothing matches (as a search naming no patient would show).
            if (!found.Done && found.Outcome != PatientOutcome.NotFound) { await FhirHttp.RefusedAsync(http, found); return; }
            if (found.Done) (matches, total) = found.Value;
        }
        var included = new List<F.Resource>();
        if (include.Length > 0)
        {
            var patients = Service<FindPatients>(http);
            foreach (var key in matches.Select(m => m.PatientKey).Distinct())
                if ((await patients.GetAsync(actor, key, purpose, ct)) is { Done: true } p) included.Add(PatientMapping.ToFhir(p.Value!));
        }
        var parameters = q.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        var bundle = FhirBundles.SearchSet(BaseOf(http), route.Type, parameters, [.. matches.Select(m => Resource(route, m))], included, total, offset, count);
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, bundle);
    }

    internal static bool TryPage(IQueryCollection q, out int count, out int offset)
    {
        count = DefaultCount;
        offset = 0;
        if (q["_count"].ToString() is { Length: > 0 } c && (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > RecordEntries.MaxResults)) return false;
        if (q["_offset"].ToString() is { Length: > 0 } o && !int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset)) return false;
        return true;
    }

    internal static long? PatientKeyOf(string reference)
    {
        var r = reference.StartsWith("Patient/", StringComparison.Ordinal) ? reference["Patient/".Length..] : reference;
        return long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && key > 0 ? key : null;
    }

    /// <summary>A FHIR status as Core's state where they differ (Procedure preparation → planned, not-done → cancelled; Composition preliminary → draft, final → signed).</summary>
    private static string StateOf(string type, string status)
    {
        var code = status.Contains('|', StringComparison.Ordinal) ? status[(status.LastIndexOf('|') + 1)..] : status;
        return (type, code) switch
        {
            ("Procedure", "preparation") => "planned",
            ("Procedure", "not-done") => "cancelled",
            ("Composition", "preliminary") => "draft",
            ("Composition", "final") => "signed",
            _ => code,
        };
    }

    /// <summary>The kinds a category code selects (Procedure: past-surgery/past-hospitalisation/dental-treatment/existing-work; ServiceRequest: lab-case/referral; Condition: problem-list-item); null: not searchable by category.</summary>
    private static IReadOnlyList<RecordKind>? KindsOfCategory(TypeRoute route, string category)
    {
        var code = category.Contains('|', StringComparison.Ordinal) ? category[(category.LastIndexOf('|') + 1)..] : category;
        return route.Type switch
        {
            "Condition" => code == "problem-list-item" ? route.Kinds : [],
            "Procedure" => code is "past-surgery" or "past-hospitalisation" ? [RecordKind.PastProcedure] : code is "dental-treatment" or "existing-work" ? [RecordKind.Procedure] : [],
            "ServiceRequest" => code == "lab-case" ? [RecordKind.LabCase] : code == "referral" ? [RecordKind.Referral] : [],
            _ => null,
        };
    }

    /// <summary>A FHIR date search value as the entry's date range (prefixes of yyyy[-MM[-dd]]).</summary>
    private static bool DateRange(string value, out string? from, out string? to)
    {
        from = to = null;
        var prefix = value.Length > 2 && char.IsAsciiLetter(value[0]) ? value[..2] : "eq";
        var date = prefix == "eq" && !char.IsAsciiLetter(value.FirstOrDefault()) ? value : value[2..];
        if (!System.Text.RegularExpressions.Regex.IsMatch(date, @"^\d{4}(-\d{2}(-\d{2})?)?$")) return false;
        switch (prefix)
        {
            case "eq": from = to = date; return true;
            case "ge" or "gt" or "sa": from = date; return true;
            case "le" or "lt" or "eb": to = date; return true;
            default: return false;
        }
    }

    // ---- create and update ----------------------------------------------------------------------------------------------

    /// <summary>The client's resource of <paramref name="type"/>, validated with Firely's validator: null with 400/415/413/422 written.</summary>
    private static async Task<F.Resource?> IncomingAsync(HttpContext http, string type)
    {
        if (await FhirHttp.ReadResourceAsync(http) is not { } resource) return null;
        if (resource.TypeName != type)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"the body is a {resource.TypeName}, the URL names {type}", "resourceType");
            return null;
        }
        return await FhirHttp.ValidateAsync(http, resource) ? resource : null;
    }

    /// <summary>The entry a resource describes, or null with 422 naming the element.</summary>
    private static async Task<ParsedEntry?> ParseAsync(HttpContext http, F.Resource resource)
    {
        try
        {
            return EntryParsing.ToEntry(resource);
        }
        catch (FhirInputException e)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(e));
            return null;
        }
    }

    private static string SubjectOf(string type) => type switch
    {
        "Coverage" => "Coverage.beneficiary",
        "AllergyIntolerance" => "AllergyIntolerance.patient",
        _ => type + ".subject",
    };

    public static async Task CreateAsync(HttpContext http, TypeRoute route)
    {
        if (await IncomingAsync(http, route.Type) is not { } resource) return;
        if (await ParseAsync(http, resource) is not { } parsed) return;
        if (!route.Kinds.Contains(parsed.Body.Kind))
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, $"not a {route.Type} Enamel records", route.Type);
            return;
        }
        var (actor, purpose, ct) = Caller(http);
        var answer = await Service<RecordEntries>(http).AddAsync(actor, parsed.PatientKey, parsed.Body, "recorded through FHIR", purpose, null, ct);
        if (!answer.Done)
        {
            await WriteRefusalAsync(http, route, answer);
            return;
        }
        var entry = answer.Value!;
        http.Response.Headers.Location = $"{BaseOf(http)}/{route.Type}/{entry.Id}/_history/{entry.Version}";
        await FhirHttp.WriteAsync(http, StatusCodes.Status201Created, Resource(route, entry));
    }

    /// <summary>A write's refusal: a patient not found is the subject's fault (422 naming it), a rule the body breaks 422, a stale version 412/409.</summary>
    private static Task WriteRefusalAsync(HttpContext http, TypeRoute route, PatientAnswer<RecordEntry> answer, bool ifMatch = false) => answer.Outcome switch
    {
        PatientOutcome.NotFound when http.Request.Method == "POST" => FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, answer.Message, SubjectOf(route.Type)),
        PatientOutcome.Invalid => FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, answer.Message, route.Type),
        PatientOutcome.Conflict when answer.Problem?.Code == "Stale" && ifMatch => FhirHttp.OutcomeAsync(http, StatusCodes.Status412PreconditionFailed, answer.Message),
        _ => FhirHttp.RefusedAsync(http, answer),
    };

    public static async Task UpdateAsync(HttpContext http, TypeRoute route, string id)
    {
        if (await IncomingAsync(http, route.Type) is not { } resource) return;
        if (resource.Id != id)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "the resource's id must be the id in the URL", $"{route.Type}.id");
            return;
        }
        if (await FhirHttp.VersionAsync(http, resource) is not { } version) return;
        var (actor, purpose, ct) = Caller(http);
        var verbs = Service<RecordEntries>(http);
        var kind = await KindOfAsync(http, route, id);
        PatientAnswer<RecordEntry> answer;
        if (route.IsTask)
        {
            (string EntryId, string State) move;
            try
            {
                move = EntryParsing.TaskMove((F.Task)resource);
            }
            catch (FhirInputException e)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(e));
                return;
            }
            if (move.EntryId != id)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, "a Task's focus is its own ServiceRequest (same id)", "Task.focus");
                return;
            }
            var remark = ((F.Task)resource).Note.FirstOrDefault()?.Text ?? "";
            answer = await verbs.AdvanceAsync(actor, kind, id, version.Version, move.State, remark, purpose, http.GetDecided(), ct);
        }
        else
        {
            if (await ParseAsync(http, resource) is not { } parsed) return;
            // The entry stays with its patient: a resource naming another is refused (once the caller may see the entry at all).
            var current = await Service<IRecordEntryStore>(http).GetAsync(kind, id, ct);
            if (current is not null && (current.PatientKey != parsed.PatientKey || parsed.Body.Kind != kind))
            {
                var seen = await verbs.ReadAsync(actor, kind, id, null, purpose, http.GetDecided(), ct);
                if (!seen.Done) { await FhirHttp.RefusedAsync(http, seen); return; }
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity,
                    current.PatientKey != parsed.PatientKey ? "an entry stays with its patient" : "an entry keeps its kind", current.PatientKey != parsed.PatientKey ? SubjectOf(route.Type) : route.Type);
                return;
            }
            answer = await verbs.ReviseAsync(actor, kind, id, version.Version, parsed.Body, "revised through FHIR", purpose, http.GetDecided(), ct);
        }
        if (!answer.Done)
        {
            await WriteRefusalAsync(http, route, answer, version.FromHeader);
            return;
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, Resource(route, answer.Value!));
    }

    // ---- Composition/$document, Provenance --------------------------------------------------------------------------------

    public static async Task DocumentAsync(HttpContext http, string id)
    {
        var (actor, purpose, ct) = Caller(http);
        var note = await Service<RecordEntries>(http).ReadAsync(actor, RecordKind.Note, id, null, purpose, http.GetDecided(), ct);
        if (!note.Done) { await FhirHttp.RefusedAsync(http, note); return; }
        var patient = await Service<FindPatients>(http).GetAsync(actor, note.Value!.PatientKey, purpose, ct);
        if (!patient.Done) { await FhirHttp.RefusedAsync(http, patient); return; }
        var bundle = FhirBundles.Document(BaseOf(http), (F.Composition)EntryMapping.ToResource(note.Value), PatientMapping.ToFhir(patient.Value!));
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, bundle);
    }

    private static readonly System.Text.RegularExpressions.Regex Target = new(@"^(?:.*/)?([A-Za-z]+)/([A-Za-z0-9\-\.]{1,64})(?:/_history/([0-9]{1,9}))?$");

    /// <summary>Provenance?target=Type/id[/_history/n]: the Provenance of every version of that entry (or of one).</summary>
    public static async Task ProvenanceSearchAsync(HttpContext http)
    {
        var q = http.Request.Query;
        foreach (var key in q.Keys)
            if (key is not ("target" or "_format" or "_count" or "_offset"))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, $"search parameter '{Clip(key)}' is not supported on Provenance: give target=Type/id");
                return;
            }
        var m = Target.Match(q["target"].ToString());
        var route = m.Success ? Routes.FirstOrDefault(r => r.Type == m.Groups[1].Value) : null;
        if (route is null)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status400BadRequest, "target: a record resource (Condition/{id}, optionally /_history/{n})");
            return;
        }
        var id = m.Groups[2].Value;
        var (actor, purpose, ct) = Caller(http);
        var kind = await KindOfAsync(http, route, id);
        var history = await Service<RecordEntries>(http).HistoryAsync(actor, kind, id, purpose, null, ct);
        IReadOnlyList<F.Provenance> all = [];
        if (history.Done) all = ProvenanceMapping.History(history.Value!);
        else if (history.Outcome != PatientOutcome.NotFound) { await FhirHttp.RefusedAsync(http, history); return; }
        if (m.Groups[3].Success) all = [.. all.Where(p => p.Target.Any(t => (t.Reference ?? "").EndsWith("/_history/" + m.Groups[3].Value, StringComparison.Ordinal)))];
        var parameters = q.SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string>(kv.Key, v ?? ""))).ToList();
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, FhirBundles.SearchSet(BaseOf(http), "Provenance", parameters, all, [], all.Count, 0, Math.Max(1, all.Count)));
    }

    /// <summary>Provenance/{kind}-{entry id}-v{n} (or -eie for the entered-in-error mark).</summary>
    public static async Task ProvenanceReadAsync(HttpContext http, string id)
    {
        var kinds = RecordKind.Entries.Where(EntryMapping.IsMapped).OrderByDescending(k => k.Name.Length).Where(k => id.StartsWith(k.Name + "-", StringComparison.Ordinal)).ToList();
        var kind = kinds.Count > 0 ? kinds[0] : default;
        var rest = kinds.Count == 0 ? "" : id[(kind.Name.Length + 1)..];
        int cut = rest.LastIndexOf('-');
        if (kinds.Count == 0 || cut <= 0)
        {
            await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, AccessGate.NotFoundOrNotYours);
            return;
        }
        var (actor, purpose, ct) = Caller(http);
        var history = await Service<RecordEntries>(http).HistoryAsync(actor, kind, rest[..cut], purpose, null, ct);
        if (!history.Done) { await FhirHttp.RefusedAsync(http, history); return; }
        var found = ProvenanceMapping.History(history.Value!).FirstOrDefault(p => p.Id == id);
        if (found is null) { await FhirHttp.OutcomeAsync(http, StatusCodes.Status404NotFound, AccessGate.NotFoundOrNotYours); return; }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, found);
    }
}
