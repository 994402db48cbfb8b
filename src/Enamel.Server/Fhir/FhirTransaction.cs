using System.Globalization;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Fhir;
using Enamel.Fhir.Mapping;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Http;
using static Enamel.Server.Fhir.FhirEndpoints;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Fhir;

/// <summary>
/// <c>POST /fhir</c> with a transaction Bundle: one patient's record loaded in one request, all or nothing
/// (<see cref="LoadRecord"/>). Every entry is a create (<c>POST Type</c>): at most one Patient — new, or matched by
/// <c>ifNoneExist: identifier=…</c> — and record resources whose patient reference is that Patient's <c>fullUrl</c>
/// (<c>urn:uuid:…</c>), or, without a Patient entry, one existing <c>Patient/{id}</c>. Every resource is validated and
/// parsed, every category decided, before anything is stored; a refusal names the entry (<c>Bundle.entry[n]</c>) and
/// nothing is kept.
/// </summary>
internal static class FhirTransaction
{
    /// <summary>Stands for the transaction's own new patient while its entries are parsed (no stored patient has key 0).</summary>
    private const string Placeholder = "Patient/0";

    public static async Task RunAsync(HttpContext http, F.Bundle bundle)
    {
        var entries = bundle.Entry;
        int patientIndex = -1;
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.Request?.Method != F.Bundle.HTTPVerb.POST || e.Resource is null || e.Request.Url != e.Resource.TypeName)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity,
                    "a transaction here loads one patient's record: every entry creates its resource (request.method POST, request.url its type)", $"Bundle.entry[{i}].request");
                return;
            }
            if (e.Resource is F.Patient)
            {
                if (patientIndex >= 0)
                {
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, "a transaction loads one patient: at most one Patient entry", $"Bundle.entry[{i}]");
                    return;
                }
                patientIndex = i;
            }
            else if (Routes.FirstOrDefault(r => r.Type == e.Resource.TypeName) is not { Writable: true, IsTask: false })
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, $"{e.Resource.TypeName} is not created here", $"Bundle.entry[{i}].resource");
                return;
            }
            var errors = Enamel.Fhir.Validation.FhirValidator.Shared.Errors(e.Resource);
            if (errors.Count > 0)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity,
                    FhirOutcomes.Invalid([.. errors.Select(x => x with { Element = InEntry(i, x.Element.Trim().Replace("$this", e.Resource.TypeName, StringComparison.Ordinal)) })]));
                return;
            }
        }

        // Every entry has its resource and request (checked above).
        var resources = entries.Select(e => e.Resource!).ToList();
        var (actor, purpose, ct) = Caller(http);
        var load = new RecordLoad();
        string? patientUrl = null;
        var matched = false;
        if (patientIndex >= 0)
        {
            var e = entries[patientIndex];
            patientUrl = e.FullUrl is { Length: > 0 } url ? url : null;
            if (e.Request!.IfNoneExist is { Length: > 0 } condition)
            {
                var (status, error, match) = await FhirPatients.MatchAsync(http, condition);
                if (error is not null)
                {
                    await FhirHttp.OutcomeAsync(http, status, error, $"Bundle.entry[{patientIndex}].request.ifNoneExist");
                    return;
                }
                if (match is not null)
                {
                    load = load with { PatientKey = match.Key };
                    matched = true;
                }
            }
            if (!matched)
            {
                ParsedPatient parsed;
                try
                {
                    parsed = PatientParsing.ToPatient((F.Patient)resources[patientIndex]);
                }
                catch (FhirInputException x)
                {
                    await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(new FhirInputException(InEntry(patientIndex, x.Element), x.Reason)));
                    return;
                }
                load = load with { NewPatient = new NewPatient(actor.OnlyClinicOr(Service<EnamelOptions>(http).Clinic), parsed.Demographics, parsed.Identifiers) };
            }
        }

        var bodies = new List<EntryBody?>();
        var positions = new List<int>();
        long? named = null;
        for (int i = 0; i < entries.Count; i++)
        {
            if (i == patientIndex) continue;
            var resource = resources[i];
            if (patientUrl is not null)
            {
                // References to the transaction's Patient entry stand for its key, known once it is stored (or matched).
                var json = FhirFormat.ToJson(resource).Replace(Quoted(patientUrl), Quoted(Placeholder), StringComparison.Ordinal);
                resource = FhirFormat.Parse(json, xml: false);
            }
            ParsedEntry parsed;
            try
            {
                parsed = EntryParsing.ToEntry(resource);
            }
            catch (FhirInputException x)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, FhirOutcomes.Invalid(new FhirInputException(InEntry(i, x.Element), x.Reason)));
                return;
            }
            var referenced = parsed.PatientKey == 0 ? (patientIndex >= 0 ? (long?)null : -1) : parsed.PatientKey;
            if (referenced == -1 || (patientIndex >= 0 && referenced is not null) || (named is not null && referenced != named))
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, patientIndex >= 0
                        ? "every entry belongs to the transaction's Patient: reference its fullUrl"
                        : "every entry belongs to one patient: reference the same Patient/{id}",
                    InEntry(i, resource.TypeName + ".subject"));
                return;
            }
            named ??= referenced;
            bodies.Add(parsed.Body);
            positions.Add(i);
        }
        if (patientIndex < 0)
        {
            if (named is null)
            {
                await FhirHttp.OutcomeAsync(http, StatusCodes.Status422UnprocessableEntity, "an empty transaction: nothing to load", "Bundle.entry");
                return;
            }
            load = load with { PatientKey = named };
        }
        load = load with { Entries = bodies };

        var answer = await Service<LoadRecord>(http).ExecuteAsync(actor, load, purpose, "loaded through a FHIR transaction", ct);
        if (!answer.Done)
        {
            var at = answer.Problem?.Args is [int index, ..] ? (index >= 0 ? positions[index] : patientIndex) : -1;
            var element = at >= 0 ? $"Bundle.entry[{at}]" : null;
            var status = answer.Outcome switch
            {
                PatientOutcome.Invalid or PatientOutcome.NotFound => StatusCodes.Status422UnprocessableEntity,
                _ => Features.Patients.PatientsApi.StatusOf(answer.Outcome),
            };
            await FhirHttp.OutcomeAsync(http, status, answer.Message, element);
            return;
        }

        var loaded = answer.Value!;
        var response = new F.Bundle { Type = F.Bundle.BundleType.TransactionResponse };
        var written = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            if (i == patientIndex)
            {
                var p = loaded.Patient;
                response.Entry.Add(Answer(http, PatientMapping.ToFhir(p), loaded.Registered && !matched ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                    $"Patient/{p.Key}", p.Version));
                continue;
            }
            var entry = loaded.Entries[written++];
            var route = Routes.First(r => r.Type == resources[i].TypeName);
            response.Entry.Add(Answer(http, EntryMapping.ToResource(entry), StatusCodes.Status201Created, $"{route.Type}/{entry.Id}", entry.Version));
        }
        await FhirHttp.WriteAsync(http, StatusCodes.Status200OK, response);
    }

    private static F.Bundle.EntryComponent Answer(HttpContext http, F.Resource resource, int status, string path, int version) => new()
    {
        FullUrl = $"{BaseOf(http)}/{path}",
        Resource = resource,
        Response = new F.Bundle.ResponseComponent
        {
            Status = status == StatusCodes.Status201Created ? "201 Created" : "200 OK",
            Location = $"{BaseOf(http)}/{path}/_history/{version.ToString(CultureInfo.InvariantCulture)}",
            Etag = $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"",
        },
    };

    /// <summary>An element of entry <paramref name="index"/>'s resource as a path from the Bundle (<c>Condition.code</c> → <c>Bundle.entry[2].resource.code</c>).</summary>
    private static string InEntry(int index, string element)
    {
        var dot = element.IndexOf('.', StringComparison.Ordinal);
        return $"Bundle.entry[{index}].resource" + (dot >= 0 ? element[dot..] : "");
    }

    private static string Quoted(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
