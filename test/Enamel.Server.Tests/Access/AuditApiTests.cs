using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Enamel.Server.Tests.Access;

/// <summary>The audit query API: the privacy officer's filtered view of the trail, and a patient's own accounting of access.</summary>
public class AuditApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string MrStudy = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";

    private static async Task<JsonElement[]> EntriesAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task PrivacyOfficer_FiltersAndPages_DentistIsRefused()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        // A denied read to find: a receptionist asks for the CT study.
        using (var front = Reach.Client(server, await server.CreateTokenAsync("receptionist", "audit-front-" + Guid.NewGuid().ToString("N")[..6], ["Imaging:Read", "Demographics:Read"])))
            Assert.Equal(HttpStatusCode.Forbidden, (await front.GetAsync($"/dicom-web/studies/{CtStudy}/metadata")).StatusCode);

        using var officer = Reach.Client(server, await server.CreateTokenAsync("privacy-officer", "audit-po-" + Guid.NewGuid().ToString("N")[..6], ["Audit:Read"]));
        var denied = await EntriesAsync(await officer.GetAsync($"/api/audit?outcome=denied&object={Uri.EscapeDataString("Imaging study " + CtStudy)}&limit=1000"));
        Assert.NotEmpty(denied);
        Assert.All(denied, e =>
        {
            Assert.Equal("Denied", e.GetProperty("outcome").GetString());
            Assert.StartsWith("Imaging study " + CtStudy, e.GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Number, e.GetProperty("patientKey").ValueKind);
        });

        // Paging: two pages of 2 follow each other without overlap.
        var page1 = await officer.GetAsync("/api/audit?limit=2");
        using var doc = JsonDocument.Parse(await page1.Content.ReadAsStringAsync());
        long next = doc.RootElement.GetProperty("next").GetInt64();
        var page2 = await EntriesAsync(await officer.GetAsync($"/api/audit?limit=2&after={next}"));
        Assert.Equal(next + 1, page2[0].GetProperty("sequence").GetInt64());

        var fhir = new HttpRequestMessage(HttpMethod.Get, "/api/audit?limit=3");
        fhir.Headers.Accept.ParseAdd("application/fhir+json");
        var bundle = await officer.SendAsync(fhir);
        Assert.Equal("application/fhir+json", bundle.Content.Headers.ContentType!.MediaType);
        using var b = JsonDocument.Parse(await bundle.Content.ReadAsStringAsync());
        Assert.Equal("Bundle", b.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("AuditEvent", b.RootElement.GetProperty("entry")[0].GetProperty("resource").GetProperty("resourceType").GetString());

        foreach (var bad in new[] { "since=yesterday", "limit=0", "limit=5000", "after=-1", "outcome=maybe" })
            Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync("/api/audit?" + bad)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.GetAsync("/api/audit")).StatusCode); // a dentist has no Audit:Read
    }

    [Fact]
    public async Task Patient_SeesWhoAccessedOwnRecord_NeverAnotherPatientsOrTheWholeTrail()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"), ServerFixture.Sample("MR_small.dcm"))).StatusCode);
        var own = (await server.Folder.Index.FindStudyPatientAsync(CtStudy, default))!.PatientKey;
        var other = (await server.Folder.Index.FindStudyPatientAsync(MrStudy, default))!.PatientKey;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/dicom-web/studies/{CtStudy}/metadata")).StatusCode); // the dentist looks

        var (_, secret) = await Reach.AccountAsync(server, "audit-pat-" + Guid.NewGuid().ToString("N")[..6], "patient", ["main"], ["Audit:Read"], patientKey: own);
        using var patient = Reach.Client(server, secret);

        var entries = await EntriesAsync(await patient.GetAsync($"/api/patients/{own}/audit?limit=1000"));
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "Read" && e.GetProperty("outcome").GetString() == "Success");
        Assert.All(entries, e => Assert.Equal(own, e.GetProperty("patientKey").GetInt64()));
        // Another patient's record is answered as a patient that does not exist.
        var otherAnswer = await patient.GetAsync($"/api/patients/{other}/audit");
        var noneAnswer = await patient.GetAsync($"/api/patients/{long.MaxValue - 7}/audit");
        Assert.Equal(HttpStatusCode.NotFound, otherAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noneAnswer.StatusCode);
        Assert.Equal(await noneAnswer.Content.ReadAsStringAsync(), await otherAnswer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await patient.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await patient.GetAsync("/api/patients/not-a-number/audit")).StatusCode);
    }

    [Fact]
    public async Task ClinicPrivacyOfficer_ReadsTheirClinicsPatients_NotTheGroupTrail()
    {
        string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        var (_, dentistSecret) = await Reach.AccountAsync(server, Name("dr-north"), "dentist", ["north"], ["Imaging:Create", "Imaging:Read"]);
        using var dentist = Reach.Client(server, dentistSecret);
        var northStudy = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(dentist, "", northStudy)).StatusCode);
        var northPatient = await Reach.PatientKeyAsync(server, northStudy);
        var mainStudy = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(server.Client, "", mainStudy)).StatusCode);
        var mainPatient = await Reach.PatientKeyAsync(server, mainStudy);

        var (_, officerSecret) = await Reach.AccountAsync(server, Name("po-north"), "privacy-officer", ["north"], ["Audit:Read"]);
        using var officer = Reach.Client(server, officerSecret);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/audit")).StatusCode); // the group's trail is main's
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/audit?clinic=main")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.GetAsync("/api/audit?clinic=no%20such")).StatusCode);

        var entries = await EntriesAsync(await officer.GetAsync("/api/audit?clinic=north&limit=1000"));
        Assert.Contains(entries, e => e.GetProperty("patientKey").GetInt64() == northPatient && e.GetProperty("action").GetString() == "Create");
        var northKeys = await server.Folder.Index.ListPatientKeysAsync("north", default);
        Assert.All(entries, e => Assert.Contains(e.GetProperty("patientKey").GetInt64(), northKeys)); // never main's, never group-wide entries
        Assert.DoesNotContain(entries, e => e.GetProperty("patientKey").GetInt64() == mainPatient);
    }
}
