using System.Net;
using System.Net.Http.Headers;
using Enamel.Fhir;
using Enamel.Server.Tests.Access;
using F = Hl7.Fhir.Model;

namespace Enamel.Server.Tests.Fhir;

/// <summary>
/// The archive through FHIR: an ImagingStudy built from what STOW-RS stored (series, instances, SOP class, the DICOMweb
/// Endpoint a client fetches pixels from), valid against base R4; read and searched only within the caller's reach.
/// </summary>
public class FhirImagingTests(ReachFixture server) : IClassFixture<ReachFixture>
{
    private static readonly string[] ReadCreate = ["Imaging:Read", "Imaging:Create"];

    private async Task<HttpClient> DentistAsync(string clinic)
    {
        var (_, secret) = await Reach.AccountAsync(server, $"{clinic}-{Guid.NewGuid():N}"[..20], "dentist", [clinic], ReadCreate);
        var client = Reach.Client(server, secret);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK) where T : F.Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return Assert.IsType<T>(FhirFormat.Parse(text, xml: false));
    }

    [Fact]
    public async Task ImagingStudy_FromTheArchive_ValidAndWithinReach()
    {
        using var north = await DentistAsync("north");
        using var south = await DentistAsync("south");
        var first = Reach.NewStudy();
        var second = Reach.NewStudy(patientId: first.PatientId);
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "", first, second)).StatusCode);
        var patient = await Reach.PatientKeyAsync(server, first);

        var study = await ReadAsync<F.ImagingStudy>(await north.GetAsync($"/fhir/ImagingStudy/{first.Study}"));
        Assert.Equal(first.Study, study.Id);
        Assert.Equal($"Patient/{patient}", study.Subject.Reference);
        var series = Assert.Single(study.Series);
        Assert.Equal(first.Series, series.Uid);
        Assert.Equal("IO", series.Modality.Code);
        Assert.Equal(first.Sop, Assert.Single(series.Instance).Uid);
        Assert.Equal("urn:oid:1.2.840.10008.5.1.4.1.1.7", series.Instance[0].SopClass.Code);
        Assert.Empty(Enamel.Fhir.Validation.FhirValidator.Shared.Errors(study));

        // The Endpoint the study names is where DICOMweb answers (and the study is there).
        var endpoint = await ReadAsync<F.Endpoint>(await north.GetAsync("/fhir/" + study.Endpoint[0].Reference));
        Assert.Empty(Enamel.Fhir.Validation.FhirValidator.Shared.Errors(endpoint));
        var qido = await north.GetAsync($"{endpoint.Address}/studies?StudyInstanceUID={first.Study}");
        Assert.Equal(HttpStatusCode.OK, qido.StatusCode);

        var found = await ReadAsync<F.Bundle>(await north.GetAsync($"/fhir/ImagingStudy?patient={patient}"));
        Assert.Equal(2, found.Total);
        Assert.Equal(new[] { first.Study, second.Study }.Order(), found.Entry.Select(e => e.Resource!.Id).Order());
        var one = await ReadAsync<F.Bundle>(await north.GetAsync($"/fhir/ImagingStudy?patient=Patient/{patient}&_id={second.Study}"));
        Assert.Equal(second.Study, Assert.Single(one.Entry).Resource!.Id);
        var paged = await ReadAsync<F.Bundle>(await north.GetAsync($"/fhir/ImagingStudy?patient={patient}&_count=1"));
        Assert.Single(paged.Entry);
        Assert.Contains(paged.Link, l => l.Relation == "next");

        // Another clinic's dentist: the study does not exist for them, and their search of the patient is empty.
        await ReadAsync<F.OperationOutcome>(await south.GetAsync($"/fhir/ImagingStudy/{first.Study}"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await ReadAsync<F.Bundle>(await south.GetAsync($"/fhir/ImagingStudy?patient={patient}"))).Total);
        Assert.DoesNotContain((await ReadAsync<F.Bundle>(await south.GetAsync("/fhir/ImagingStudy?_count=100"))).Entry, e => e.Resource!.Id == first.Study);

        // Bad input is named.
        await ReadAsync<F.OperationOutcome>(await north.GetAsync("/fhir/ImagingStudy?modality=IO"), HttpStatusCode.BadRequest);
        await ReadAsync<F.OperationOutcome>(await north.GetAsync("/fhir/ImagingStudy?patient=abc"), HttpStatusCode.BadRequest);
        await ReadAsync<F.OperationOutcome>(await north.GetAsync("/fhir/Endpoint/other"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CapabilityStatement_ClaimsImagingStudyReadAndSearchByPatient()
    {
        using var anonymous = server.AnonymousClient();
        var statement = await ReadAsync<F.CapabilityStatement>(await anonymous.GetAsync("/fhir/metadata"));
        var imaging = statement.Rest[0].Resource.Single(r => r.Type == "ImagingStudy");
        Assert.Equal(["patient", "_id"], imaging.SearchParam.Select(p => p.Name).Where(n => n is "patient" or "_id").Order().Reverse());
        Assert.Contains(statement.Rest[0].Resource, r => r.Type == "Endpoint");
    }
}
