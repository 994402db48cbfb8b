using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Enamel.Fhir;
using Enamel.Fhir.Validation;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Tests.Fhir;

/// <summary>
/// FHIR R4 at /fhir against a real server: a dentist creates a Condition and reads, vreads, searches and updates it
/// (a stale If-Match is 412); a receptionist's Condition search is refused (403), and its $everything holds no
/// Condition or Composition; patient A's account cannot reach patient B's resources; an invalid resource is 422 with an
/// OperationOutcome naming the element and nothing stored; bad requests are OperationOutcomes with the right status;
/// _format=xml answers XML; every resource returned validates with Firely's validator.
/// </summary>
public class FhirApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] All = [.. Enamel.Core.Access.Operation.All.Select(o => o.ToString())];

    private async Task<HttpClient> ClientAsync(string role, string clinic = "main")
    {
        var token = await server.CreateTokenAsync(role, $"{role}-{Guid.NewGuid():N}"[..24], All, clinic);
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    private static StringContent Fhir(string json, string type = "application/fhir+json") => new(json, Encoding.UTF8, type);

    private static StringContent Fhir(F.Resource r) => Fhir(FhirFormat.ToJson(r));

    private static async Task<F.Resource> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var type = response.Content.Headers.ContentType?.MediaType;
        Assert.True(type is "application/fhir+json" or "application/fhir+xml", $"content type {type}: {text}");
        var resource = FhirFormat.Parse(text, type == "application/fhir+xml");
        AssertValid(resource);
        return resource;
    }

    /// <summary>Every resource Enamel answers with validates against base R4 (no errors), bundles entry by entry too.</summary>
    private static void AssertValid(F.Resource resource)
    {
        var errors = FhirValidator.Shared.Errors(resource);
        Assert.True(errors.Count == 0, $"{resource.TypeName} does not validate: {string.Join("; ", errors)}");
    }

    private static async Task<F.OperationOutcome> OutcomeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return Assert.IsType<F.OperationOutcome>(await ReadAsync(response));
    }

    private async Task<long> PatientAsync(HttpClient? desk = null)
    {
        using var own = desk is null ? await ClientAsync("receptionist") : null;
        var patient = new F.Patient
        {
            Identifier = [new F.Identifier("urn:enamel:identifier:chart-number", "FHIR-" + Guid.NewGuid().ToString("N")[..8])],
            Name = [new F.HumanName { Family = "Chan", Given = ["Tai Man"] }],
            BirthDate = "1985-07-14",
            Gender = F.AdministrativeGender.Male,
        };
        var created = await (desk ?? own!).PostAsync("/fhir/Patient", Fhir(patient));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var back = Assert.IsType<F.Patient>(await ReadAsync(created));
        return long.Parse(back.Id!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static F.Condition Condition(long patient, string status = "active") => new()
    {
        Code = new F.CodeableConcept("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2"),
        ClinicalStatus = new F.CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", status),
        Category = [new F.CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")],
        Subject = new F.ResourceReference($"Patient/{patient}"),
        Onset = new F.FhirDateTime("2019-05"),
        RecordedDateElement = new F.FhirDateTime("2026-01-10"),
    };

    private async Task<F.Bundle> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync(query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Assert.IsType<F.Bundle>(await ReadAsync(response));
    }

    [Fact]
    public async Task Metadata_IsPublic_AndValidates()
    {
        using var anonymous = server.AnonymousClient();
        var response = await anonymous.GetAsync("/fhir/metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statement = Assert.IsType<F.CapabilityStatement>(await ReadAsync(response));
        var condition = statement.Rest[0].Resource.Single(r => r.Type == "Condition");
        Assert.Contains(condition.Interaction, i => i.Code == F.CapabilityStatement.TypeRestfulInteraction.Update);
        Assert.Contains(condition.Interaction, i => i.Code == F.CapabilityStatement.TypeRestfulInteraction.HistoryType);
        Assert.DoesNotContain(statement.Rest[0].Resource.Single(r => r.Type == "Patient").Interaction, i => i.Code == F.CapabilityStatement.TypeRestfulInteraction.HistoryType);
        Assert.Contains(statement.Rest[0].Interaction, i => i.Code == F.CapabilityStatement.SystemRestfulInteraction.Transaction);
        Assert.Contains(condition.SearchParam, p => p.Name == "patient");
        // Anything about a patient is not public.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/fhir/Condition")).StatusCode);
        var refused = await anonymous.GetAsync("/fhir/Patient/1");
        Assert.IsType<F.OperationOutcome>(FhirFormat.Parse(await refused.Content.ReadAsStringAsync(), xml: false));
    }

    [Fact]
    public async Task Dentist_CreatesACondition_ReadsVreadsSearches_UpdatesWithIfMatch()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var created = await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var condition = Assert.IsType<F.Condition>(await ReadAsync(created));
        Assert.Equal("W/\"1\"", created.Headers.ETag!.ToString());
        Assert.EndsWith($"/fhir/Condition/{condition.Id}/_history/1", created.Headers.Location!.ToString());
        Assert.Equal($"Patient/{patient}", condition.Subject.Reference);

        var read = Assert.IsType<F.Condition>(await ReadAsync(await dentist.GetAsync($"/fhir/Condition/{condition.Id}")));
        Assert.Equal(("1", "44054006"), (read.Meta!.VersionId, read.Code!.Coding[0].Code));

        // Update with If-Match W/"1": version 2; the same stale version again: 412; no version at all: 428.
        var update = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Condition/{condition.Id}") { Content = Fhir(WithId(Condition(patient, "resolved"), condition.Id!)) };
        update.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        var updated = await dentist.SendAsync(update);
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        Assert.Equal("W/\"2\"", updated.Headers.ETag!.ToString());
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Condition/{condition.Id}") { Content = Fhir(WithId(Condition(patient, "inactive"), condition.Id!)) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        await OutcomeAsync(await dentist.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        await OutcomeAsync(await dentist.PutAsync($"/fhir/Condition/{condition.Id}", Fhir(WithId(Condition(patient), condition.Id!))), (HttpStatusCode)428);

        // vread of version 1 still says active; the latest says resolved.
        var v1 = Assert.IsType<F.Condition>(await ReadAsync(await dentist.GetAsync($"/fhir/Condition/{condition.Id}/_history/1")));
        Assert.Equal("active", v1.ClinicalStatus!.Coding[0].Code);
        var v2 = Assert.IsType<F.Condition>(await ReadAsync(await dentist.GetAsync($"/fhir/Condition/{condition.Id}")));
        Assert.Equal(("2", "resolved"), (v2.Meta!.VersionId, v2.ClinicalStatus!.Coding[0].Code));
        await OutcomeAsync(await dentist.GetAsync($"/fhir/Condition/{condition.Id}/_history/9"), HttpStatusCode.NotFound);

        // Instance history: newest first.
        var history = await SearchAsync(dentist, $"/fhir/Condition/{condition.Id}/_history");
        Assert.Equal(F.Bundle.BundleType.History, history.Type);
        Assert.Equal(["2", "1"], history.Entry.Select(e => e.Resource!.Meta!.VersionId));

        // Search by patient, code, status, date; _include brings the patient.
        var found = await SearchAsync(dentist, $"/fhir/Condition?patient=Patient/{patient}&code=http://snomed.info/sct|44054006&clinical-status=resolved&_include=Condition:patient");
        Assert.Equal(1, found.Total);
        Assert.Equal(condition.Id, found.Entry.Single(e => e.Search!.Mode == F.Bundle.SearchEntryMode.Match).Resource!.Id);
        Assert.Equal(patient.ToString(System.Globalization.CultureInfo.InvariantCulture), found.Entry.Single(e => e.Search!.Mode == F.Bundle.SearchEntryMode.Include).Resource!.Id);
        Assert.Equal(0, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}&clinical-status=active")).Total);

        // Provenance of each version.
        var provenance = await SearchAsync(dentist, $"/fhir/Provenance?target=Condition/{condition.Id}");
        Assert.Equal(2, provenance.Total);
        var p2 = Assert.IsType<F.Provenance>(await ReadAsync(await dentist.GetAsync($"/fhir/Provenance/condition-{condition.Id}-v2")));
        Assert.Equal($"Condition/{condition.Id}/_history/2", p2.Target[0].Reference);
    }

    private static F.Condition WithId(F.Condition c, string id)
    {
        c.Id = id;
        return c;
    }

    [Fact]
    public async Task ConditionalCreate_ByIdentifier_AnswersTheExistingPatient()
    {
        using var desk = await ClientAsync("receptionist");
        long patient = await PatientAsync(desk);
        var existing = Assert.IsType<F.Patient>(await ReadAsync(await desk.GetAsync($"/fhir/Patient/{patient}")));
        var chart = existing.Identifier.First(i => i.System == "urn:enamel:identifier:chart-number").Value;
        var again = new HttpRequestMessage(HttpMethod.Post, "/fhir/Patient") { Content = Fhir(existing) };
        again.Headers.TryAddWithoutValidation("If-None-Exist", $"identifier=urn:enamel:identifier:chart-number|{chart}");
        var answer = await desk.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(existing.Id, (await ReadAsync(answer)).Id);
        Assert.Equal(1, (await SearchAsync(desk, $"/fhir/Patient?identifier={chart}")).Total);
        // Without the condition the same identifier is a conflict, and nothing is stored.
        await OutcomeAsync(await desk.PostAsync("/fhir/Patient", Fhir(existing)), HttpStatusCode.Conflict);
        Assert.Equal(1, (await SearchAsync(desk, $"/fhir/Patient?identifier={chart}&birthdate=1985-07-14")).Total);
    }

    [Fact]
    public async Task ProcedureSearch_ByToothAndCategory()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var procedure = new F.Procedure
        {
            Status = F.EventStatus.Completed,
            Category = new F.CodeableConcept("urn:enamel:procedure-kind", "dental-treatment"),
            Code = new F.CodeableConcept("http://snomed.info/sct", "234785002", "Filling"),
            Subject = new F.ResourceReference($"Patient/{patient}"),
            Performed = new F.FhirDateTime("2026-01-10"),
            BodySite = [Enamel.Fhir.Mapping.ToothCoding.ToBodySite("36", "MO")],
        };
        var created = await dentist.PostAsync("/fhir/Procedure", Fhir(procedure));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(1, (await SearchAsync(dentist, $"/fhir/Procedure?patient={patient}&body-site=urn:iso:std:iso:3950|36")).Total);
        Assert.Equal(0, (await SearchAsync(dentist, $"/fhir/Procedure?patient={patient}&body-site=urn:iso:std:iso:3950|11")).Total);
        Assert.Equal(1, (await SearchAsync(dentist, $"/fhir/Procedure?patient={patient}&category=dental-treatment&status=completed")).Total);
        Assert.Equal(0, (await SearchAsync(dentist, $"/fhir/Procedure?patient={patient}&category=past-surgery")).Total);
        await OutcomeAsync(await dentist.GetAsync($"/fhir/Procedure?patient={patient}&body-site=99"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Batch_RunsEachEntryThroughItsVerb_ATransactionOnlyCreates()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var batch = new F.Bundle
        {
            Type = F.Bundle.BundleType.Batch,
            Entry =
            [
                new F.Bundle.EntryComponent { Resource = Condition(patient), Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.POST, Url = "Condition" } },
                new F.Bundle.EntryComponent { Resource = Condition(patient, "resolved"), Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.POST, Url = "Condition" } },
                new F.Bundle.EntryComponent { Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.GET, Url = $"Patient/{patient}" } },
                new F.Bundle.EntryComponent { Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.GET, Url = "Condition/0123456789abcdef0123456789abcdef" } },
            ],
        };
        var response = await dentist.PostAsync("/fhir", Fhir(batch));
        var answer = Assert.IsType<F.Bundle>(await ReadAsync(response));
        Assert.Equal(F.Bundle.BundleType.BatchResponse, answer.Type);
        Assert.Equal(["201", "201", "200", "404"], answer.Entry.Select(e => e.Response!.Status));
        Assert.Equal(2, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}")).Total);
        // A receptionist's batch: its Condition entry is refused by the verb, its Patient read answered.
        using var desk = await ClientAsync("receptionist");
        batch.Entry.RemoveAt(3);
        batch.Entry.RemoveAt(1);
        var refused = Assert.IsType<F.Bundle>(await ReadAsync(await desk.PostAsync("/fhir", Fhir(batch))));
        Assert.Equal(["403", "200"], refused.Entry.Select(e => e.Response!.Status));
        Assert.Equal(2, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}")).Total);
        // A transaction only creates: a read in it is refused whole, and nothing of it is stored.
        batch.Type = F.Bundle.BundleType.Transaction;
        foreach (var e in batch.Entry) e.FullUrl = "urn:uuid:" + Guid.NewGuid();
        var readInTransaction = await OutcomeAsync(await dentist.PostAsync("/fhir", Fhir(batch)), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Bundle.entry[1].request", readInTransaction.Issue[0].Expression.Single());
        Assert.Equal(2, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}")).Total);
    }

    private static F.Bundle.EntryComponent Create(F.Resource resource, string? fullUrl = null, string? ifNoneExist = null) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new F.Bundle.RequestComponent { Method = F.Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist },
    };

    private static F.Patient NewPatient(string chart) => new()
    {
        Identifier = [new F.Identifier("urn:enamel:identifier:chart-number", chart)],
        Name = [new F.HumanName { Family = "Wong", Given = ["Siu Ming"] }],
        BirthDate = "1979-02-28",
        Gender = F.AdministrativeGender.Female,
    };

    private static F.AllergyIntolerance Allergy(string patientReference) => new()
    {
        Patient = new F.ResourceReference(patientReference),
        Code = new F.CodeableConcept("http://snomed.info/sct", "764146007", "Penicillin"),
        Criticality = F.AllergyIntolerance.AllergyIntoleranceCriticality.High,
        Category = [F.AllergyIntolerance.AllergyIntoleranceCategory.Medication],
        ClinicalStatus = new F.CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
        VerificationStatus = new F.CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"),
    };

    /// <summary>A client of an integration account whose custom role registers patients and records their history (no built-in role does both).</summary>
    private async Task<HttpClient> LoaderAsync()
    {
        var role = "loader-" + Guid.NewGuid().ToString("N")[..8];
        await server.Folder.Security.Roles.SaveCustomAsync(new Enamel.Core.Access.Role(role, "loads records from another system", Enamel.Core.Access.RoleReach.ClinicPatients,
            new HashSet<Enamel.Core.Access.Operation> { new(Enamel.Core.Access.RecordCategory.Demographics, Enamel.Core.Access.RecordAction.Create),
                new(Enamel.Core.Access.RecordCategory.Demographics, Enamel.Core.Access.RecordAction.Read),
                new(Enamel.Core.Access.RecordCategory.MedicalHistory, Enamel.Core.Access.RecordAction.Create),
                new(Enamel.Core.Access.RecordCategory.MedicalHistory, Enamel.Core.Access.RecordAction.Read) }, BuiltIn: false), default);
        return await ClientAsync(role);
    }

    [Fact]
    public async Task Transaction_LoadsANewPatientAndTheirRecordInOneRequest()
    {
        using var loader = await LoaderAsync();
        var chart = "TX-" + Guid.NewGuid().ToString("N")[..8];
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var condition = Condition(0);
        condition.Subject = new F.ResourceReference(patientUrl);
        var transaction = new F.Bundle
        {
            Type = F.Bundle.BundleType.Transaction,
            Entry = [Create(condition, "urn:uuid:" + Guid.NewGuid()), Create(NewPatient(chart), patientUrl), Create(Allergy(patientUrl), "urn:uuid:" + Guid.NewGuid())],
        };
        var response = await loader.PostAsync("/fhir", Fhir(transaction));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = Assert.IsType<F.Bundle>(await ReadAsync(response));
        Assert.Equal(F.Bundle.BundleType.TransactionResponse, answer.Type);
        Assert.Equal(["201 Created", "201 Created", "201 Created"], answer.Entry.Select(e => e.Response!.Status));
        var patient = Assert.IsType<F.Patient>(answer.Entry[1].Resource);
        Assert.Equal(chart, patient.Identifier.Single(i => i.System == "urn:enamel:identifier:chart-number").Value);
        // The entries reference the stored patient, and the patient's record holds them.
        Assert.Equal($"Patient/{patient.Id}", Assert.IsType<F.Condition>(answer.Entry[0].Resource).Subject.Reference);
        Assert.Equal($"Patient/{patient.Id}", Assert.IsType<F.AllergyIntolerance>(answer.Entry[2].Resource).Patient.Reference);
        Assert.EndsWith("/_history/1", answer.Entry[0].Response!.Location, StringComparison.Ordinal);
        Assert.Equal(1, (await SearchAsync(loader, $"/fhir/Condition?patient={patient.Id}")).Total);
        Assert.Equal(1, (await SearchAsync(loader, $"/fhir/AllergyIntolerance?patient={patient.Id}")).Total);

        // Sent again with ifNoneExist, the patient is matched (200), not registered twice, and the new entries join them.
        transaction.Entry[1].Request!.IfNoneExist = $"identifier=urn:enamel:identifier:chart-number|{chart}";
        transaction.Entry.RemoveAt(2);
        var again = Assert.IsType<F.Bundle>(await ReadAsync(await loader.PostAsync("/fhir", Fhir(transaction))));
        Assert.Equal(["201 Created", "200 OK"], again.Entry.Select(e => e.Response!.Status));
        Assert.Equal(patient.Id, again.Entry[1].Resource!.Id);
        Assert.Equal(2, (await SearchAsync(loader, $"/fhir/Condition?patient={patient.Id}")).Total);
        Assert.Equal(1, (await SearchAsync(loader, $"/fhir/Patient?identifier={chart}")).Total);
    }

    [Fact]
    public async Task Transaction_IsAllOrNothing()
    {
        using var loader = await LoaderAsync();
        var chart = "TX-" + Guid.NewGuid().ToString("N")[..8];
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var good = Condition(0);
        good.Subject = new F.ResourceReference(patientUrl);
        var bad = Condition(0);
        bad.Subject = new F.ResourceReference(patientUrl);
        bad.Code = null;
        var transaction = new F.Bundle
        {
            Type = F.Bundle.BundleType.Transaction,
            Entry = [Create(NewPatient(chart), patientUrl), Create(good, "urn:uuid:" + Guid.NewGuid()), Create(bad, "urn:uuid:" + Guid.NewGuid())],
        };
        // One entry the record refuses: the whole transaction is refused, naming it, and neither the patient nor the good entry is kept.
        var invalid = await OutcomeAsync(await loader.PostAsync("/fhir", Fhir(transaction)), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("Bundle.entry[2]", invalid.Issue[0].Expression.First(), StringComparison.Ordinal);
        Assert.Equal(0, (await SearchAsync(loader, $"/fhir/Patient?identifier={chart}")).Total);

        // An entry naming another patient than the transaction's.
        var other = await PatientAsync();
        transaction.Entry[2] = Create(Condition(other), "urn:uuid:" + Guid.NewGuid());
        var elsewhere = await OutcomeAsync(await loader.PostAsync("/fhir", Fhir(transaction)), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("Bundle.entry[2]", elsewhere.Issue[0].Expression.First(), StringComparison.Ordinal);
        Assert.Equal(0, (await SearchAsync(loader, $"/fhir/Patient?identifier={chart}")).Total);
        Assert.Equal(0, (await SearchAsync(loader, $"/fhir/Condition?patient={other}")).Total);

        // A caller who may register patients but not record their history: refused whole (403), no patient registered.
        transaction.Entry.RemoveAt(2);
        using var desk = await ClientAsync("receptionist");
        await OutcomeAsync(await desk.PostAsync("/fhir", Fhir(transaction)), HttpStatusCode.Forbidden);
        Assert.Equal(0, (await SearchAsync(desk, $"/fhir/Patient?identifier={chart}")).Total);

        // The same transaction from the loader commits both.
        var done = Assert.IsType<F.Bundle>(await ReadAsync(await loader.PostAsync("/fhir", Fhir(transaction))));
        Assert.Equal(["201 Created", "201 Created"], done.Entry.Select(e => e.Response!.Status));
        Assert.Equal(1, (await SearchAsync(loader, $"/fhir/Patient?identifier={chart}")).Total);
    }

    [Fact]
    public async Task TypeHistory_ListsTheVersionsWithinReach_NewestFirst()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var first = Assert.IsType<F.Condition>(await ReadAsync(await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)))));
        var second = Assert.IsType<F.Condition>(await ReadAsync(await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)))));
        var update = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Condition/{first.Id}") { Content = Fhir(WithId(Condition(patient, "resolved"), first.Id!)) };
        update.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        Assert.Equal(HttpStatusCode.OK, (await dentist.SendAsync(update)).StatusCode);

        var history = await SearchAsync(dentist, $"/fhir/Condition/_history?_since={Uri.EscapeDataString(since)}");
        Assert.Equal(F.Bundle.BundleType.History, history.Type);
        var ours = history.Entry.Where(e => e.Resource!.Id == first.Id || e.Resource.Id == second.Id)
            .Select(e => (e.Resource!.Id, e.Resource.Meta!.VersionId, e.Request!.Method)).ToList();
        Assert.Equal([(first.Id, "2", F.Bundle.HTTPVerb.PUT), (second.Id, "1", F.Bundle.HTTPVerb.POST), (first.Id, "1", F.Bundle.HTTPVerb.POST)], ours);
        Assert.All(history.Entry, e => Assert.IsType<F.Condition>(e.Resource));

        // Another clinic's dentist sees none of them; a receptionist may not read conditions at all; bad parameters are named.
        using var elsewhere = await ClientAsync("dentist", "north");
        Assert.DoesNotContain((await SearchAsync(elsewhere, $"/fhir/Condition/_history?_since={Uri.EscapeDataString(since)}")).Entry, e => e.Resource!.Id == first.Id);
        using var desk = await ClientAsync("receptionist");
        await OutcomeAsync(await desk.GetAsync("/fhir/Condition/_history"), HttpStatusCode.Forbidden);
        await OutcomeAsync(await dentist.GetAsync("/fhir/Condition/_history?_since=yesterday"), HttpStatusCode.BadRequest);
        await OutcomeAsync(await dentist.GetAsync("/fhir/Condition/_history?code=1"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ApiTokenScopedByCategory_LimitsFhirAsItLimitsDicomWeb()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var condition = Assert.IsType<F.Condition>(await ReadAsync(await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)))));
        // A dentist's token scoped to MedicalHistory:Read (and Demographics:Read to reach patients): reads history, writes nothing, reads no other category.
        var token = await server.CreateTokenAsync("dentist", $"scoped-{Guid.NewGuid():N}"[..24], ["MedicalHistory:Read", "Demographics:Read"]);
        using var scoped = server.AnonymousClient();
        scoped.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        scoped.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/fhir/Condition/{condition.Id}")).StatusCode);
        Assert.Equal(1, (await SearchAsync(scoped, $"/fhir/Condition?patient={patient}")).Total);
        await OutcomeAsync(await scoped.PostAsync("/fhir/Condition", Fhir(Condition(patient))), HttpStatusCode.Forbidden);
        await OutcomeAsync(await scoped.GetAsync($"/fhir/MedicationRequest?patient={patient}"), HttpStatusCode.Forbidden);
        await OutcomeAsync(await scoped.GetAsync($"/fhir/Coverage?patient={patient}"), HttpStatusCode.Forbidden);
        // $everything holds only what the token may read: the patient and the condition.
        var everything = await SearchAsync(scoped, $"/fhir/Patient/{patient}/$everything");
        Assert.All(everything.Entry, e => Assert.True(e.Resource is F.Patient or F.Condition, e.Resource!.TypeName));
        Assert.Equal(1, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}")).Total);
    }

    [Fact]
    public async Task Search_PagesWithNextLinks()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Created, (await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)))).StatusCode);
        var ids = new List<string>();
        string? next = $"/fhir/Condition?patient={patient}&_count=2";
        for (int page = 0; next is not null && page < 5; page++)
        {
            var bundle = await SearchAsync(dentist, next);
            Assert.Equal(3, bundle.Total);
            ids.AddRange(bundle.Entry.Select(e => e.Resource!.Id!));
            next = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }
        Assert.Equal(3, ids.Distinct().Count());
    }

    [Fact]
    public async Task Receptionist_ConditionSearchIsRefused_AndEverythingHoldsOnlyWhatItReads()
    {
        using var desk = await ClientAsync("receptionist");
        long patient = await PatientAsync(desk);
        using var dentist = await ClientAsync("dentist");
        Assert.Equal(HttpStatusCode.Created, (await dentist.PostAsync("/fhir/Condition", Fhir(Condition(patient)))).StatusCode);
        var note = new F.Composition
        {
            Status = F.CompositionStatus.Preliminary,
            Type = new F.CodeableConcept("http://loinc.org", "11506-3", "Progress note"),
            Subject = new F.ResourceReference($"Patient/{patient}"),
            DateElement = new F.FhirDateTime("2026-01-10"),
            Author = [new F.ResourceReference { Display = "Dr Wong" }],
            Title = "Exam",
            Section = [new F.Composition.SectionComponent { Title = "Exam", Text = new F.Narrative { Status = F.Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Caries on 36 distal.</p></div>" } }],
        };
        var noted = await dentist.PostAsync("/fhir/Composition", Fhir(note));
        Assert.True(noted.StatusCode == HttpStatusCode.Created, await noted.Content.ReadAsStringAsync());

        await OutcomeAsync(await desk.GetAsync($"/fhir/Condition?patient={patient}"), HttpStatusCode.Forbidden);
        await OutcomeAsync(await desk.GetAsync("/fhir/Composition"), HttpStatusCode.Forbidden);

        var everything = await SearchAsync(desk, $"/fhir/Patient/{patient}/$everything");
        Assert.Contains(everything.Entry, e => e.Resource is F.Patient);
        Assert.DoesNotContain(everything.Entry, e => e.Resource is F.Condition or F.Composition);
        var full = await SearchAsync(dentist, $"/fhir/Patient/{patient}/$everything");
        Assert.Contains(full.Entry, e => e.Resource is F.Condition);
        Assert.Contains(full.Entry, e => e.Resource is F.Composition);
    }

    [Fact]
    public async Task PatientA_CannotReachPatientB_ByIdSearchOrReference()
    {
        long a = await PatientAsync(), b = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var created = Assert.IsType<F.Condition>(await ReadAsync(await dentist.PostAsync("/fhir/Condition", Fhir(Condition(b)))));
        var own = Assert.IsType<F.Condition>(await ReadAsync(await dentist.PostAsync("/fhir/Condition", Fhir(Condition(a)))));

        // A patient account bound to A.
        var secret = await server.CreateTokenAsync("patient", "fhir-pa-" + Guid.NewGuid().ToString("N")[..6], All);
        var record = await server.Folder.Security.Tokens.FindByHashAsync(Enamel.Core.Accounts.SecretToken.Hash(secret), default);
        var user = await server.Folder.Security.Users.FindByIdAsync(record!.UserId, default);
        await server.Folder.Security.Users.UpdateAsync(user! with { PatientKey = a }, default);
        using var patientA = server.AnonymousClient();
        patientA.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        Assert.Equal(HttpStatusCode.OK, (await patientA.GetAsync($"/fhir/Condition/{own.Id}")).StatusCode);
        var unknown = await OutcomeAsync(await patientA.GetAsync("/fhir/Condition/0123456789abcdef0123456789abcdef"), HttpStatusCode.NotFound);
        foreach (var path in new[] { $"/fhir/Condition/{created.Id}", $"/fhir/Condition/{created.Id}/_history/1", $"/fhir/Condition/{created.Id}/_history", $"/fhir/Patient/{b}", $"/fhir/Patient/{b}/$everything" })
        {
            var outcome = await OutcomeAsync(await patientA.GetAsync(path), HttpStatusCode.NotFound);
            Assert.Equal(unknown.Issue[0].Diagnostics, outcome.Issue[0].Diagnostics);
        }
        var search = await SearchAsync(patientA, $"/fhir/Condition?patient={b}");
        Assert.Empty(search.Entry);
        var mine = await SearchAsync(patientA, "/fhir/Condition");
        Assert.All(mine.Entry, e => Assert.Equal($"Patient/{a}", ((F.Condition)e.Resource!).Subject!.Reference));
        Assert.Equal(0, (await SearchAsync(patientA, $"/fhir/Provenance?target=Condition/{created.Id}")).Total);
        // Another clinic's dentist cannot reach B's condition either, nor record one for B (the reference is refused, nothing stored).
        using var north = await ClientAsync("dentist", "north");
        await OutcomeAsync(await north.GetAsync($"/fhir/Condition/{created.Id}"), HttpStatusCode.NotFound);
        var outcomeNorth = await OutcomeAsync(await north.PostAsync("/fhir/Condition", Fhir(Condition(b))), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Condition.subject", outcomeNorth.Issue[0].Expression.Single());
        Assert.Equal(1, (await SearchAsync(dentist, $"/fhir/Condition?patient={b}")).Total);
    }

    [Fact]
    public async Task InvalidResources_Are422NamingTheElement_AndNothingIsStored()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        // An element R4 does not have (strict parse).
        var unknown = FhirFormat.ToJson(Condition(patient)).Replace("{\"resourceType\":\"Condition\",", "{\"resourceType\":\"Condition\",\"colour\":\"red\",", StringComparison.Ordinal);
        var o1 = await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir(unknown)), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("colour", o1.Issue[0].Diagnostics + string.Join(",", o1.Issue[0].Expression));
        // Invalid for R4: no subject (Condition.subject is 1..1).
        var noSubject = Condition(patient);
        noSubject.Subject = null!;
        var o2 = await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir(noSubject)), HttpStatusCode.UnprocessableEntity);
        Assert.True(o2.Issue.Any(i => i.Expression.Contains("Condition.subject")), FhirFormat.ToJson(o2));
        // Valid R4, but not what Enamel keeps: a tooth that does not exist on a Procedure.
        var procedure = new F.Procedure
        {
            Status = F.EventStatus.Completed,
            Code = new F.CodeableConcept("http://snomed.info/sct", "234785002", "Filling"),
            Subject = new F.ResourceReference($"Patient/{patient}"),
            Performed = new F.FhirDateTime("2026-01-10"),
            BodySite = [new F.CodeableConcept("urn:iso:std:iso:3950", "19")],
        };
        var o3 = await OutcomeAsync(await dentist.PostAsync("/fhir/Procedure", Fhir(procedure)), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("Procedure.bodySite", o3.Issue[0].Expression.Single(), StringComparison.Ordinal);
        // Malformed JSON: 400; another media type: 415; the wrong type for the URL: 400; too large: 413.
        await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir("{\"resourceType\": \"Condition\",")), HttpStatusCode.BadRequest);
        await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir("{}", "text/plain")), HttpStatusCode.UnsupportedMediaType);
        await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir(procedure)), HttpStatusCode.BadRequest);
        await OutcomeAsync(await dentist.PostAsync("/fhir/Condition", Fhir(new string(' ', 3 * 1024 * 1024))), HttpStatusCode.RequestEntityTooLarge);
        // Nothing was stored for the patient.
        Assert.Equal(0, (await SearchAsync(dentist, $"/fhir/Condition?patient={patient}")).Total);
        Assert.Equal(0, (await SearchAsync(dentist, $"/fhir/Procedure?patient={patient}")).Total);
        // Unknown type 404, a method a type does not take 405, a search parameter not served 400.
        await OutcomeAsync(await dentist.GetAsync("/fhir/Spaceship/1"), HttpStatusCode.NotFound);
        await OutcomeAsync(await dentist.DeleteAsync("/fhir/Condition/abc"), HttpStatusCode.MethodNotAllowed);
        await OutcomeAsync(await dentist.GetAsync("/fhir/Condition?colour=red"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task FormatXml_AnswersXml_AndXmlIsAccepted()
    {
        long patient = await PatientAsync();
        using var dentist = await ClientAsync("dentist");
        var xml = FhirFormat.ToXml(Condition(patient));
        var created = await dentist.PostAsync("/fhir/Condition?_format=xml", Fhir(xml, "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("application/fhir+xml", created.Content.Headers.ContentType!.MediaType);
        var condition = Assert.IsType<F.Condition>(await ReadAsync(created));
        var read = await dentist.GetAsync($"/fhir/Condition/{condition.Id}?_format=xml");
        Assert.Equal("application/fhir+xml", read.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<Condition", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bundle = await dentist.GetAsync($"/fhir/Condition?patient={patient}&_format=xml");
        Assert.IsType<F.Bundle>(await ReadAsync(bundle));
        // application/json is taken as FHIR JSON too.
        Assert.Equal(HttpStatusCode.Created, (await dentist.PostAsync("/fhir/Condition", Fhir(FhirFormat.ToJson(Condition(patient)), "application/json"))).StatusCode);
    }
}
