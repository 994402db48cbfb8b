using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Enamel.Core.Audit;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// The clinical record's JSON API against a real server: a dentist records a condition, revises it (If-Match and
/// "version", stale versions refused) and reads its history; a receptionist cannot read a note; notes are signed and
/// then locked; another clinic's dentist finds nothing; bad JSON is a 400 that says what is wrong, and nothing is stored.
/// </summary>
public class EntriesApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<long> PatientAsync()
    {
        using var desk = await server.ClientAsync("receptionist");
        var created = await desk.PostAsJsonAsync("/api/patients", new
        {
            clinic = "main",
            demographics = new { name = new { family = "Ho", given = "Ka Yan" }, birthDate = "1990-03-01", sex = "F" },
            identifiers = new object[] { new { type = "chartNumber", value = "ENT-" + Guid.NewGuid().ToString("N")[..8] } },
            reason = "first visit",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await RecordClients.JsonAsync(created)).GetProperty("key").GetInt64();
    }

    private static object Condition(string status = "active") => new
    {
        kind = "condition",
        code = new { system = "http://snomed.info/sct", code = "44054006", display = "Diabetes mellitus type 2" },
        clinicalStatus = status,
        onset = "2019-05",
        recorded = "2026-01-10",
    };

    private static object Note(string text = "Caries on 36 distal.") => new { kind = "note", title = "Exam", text, on = "2026-01-10" };

    private static StringContent Raw(string json, string type = "application/json") => new(json, Encoding.UTF8, type);

    [Fact]
    public async Task Dentist_RecordsACondition_RevisesIt_ReadsItsHistory()
    {
        long patient = await PatientAsync();
        using var dentist = await server.ClientAsync("dentist");
        var created = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new { reason = "first visit", body = Condition() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entry = await RecordClients.JsonAsync(created);
        var id = entry.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal($"/api/entries/condition/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("W/\"1\"", created.Headers.ETag!.ToString());
        Assert.Equal(("condition", 1, "current", "MedicalHistory", "44054006"), (entry.GetProperty("kind").GetString(), entry.GetProperty("version").GetInt32(),
            entry.GetProperty("status").GetString(), entry.GetProperty("category").GetString(), entry.GetProperty("body").GetProperty("code").GetProperty("code").GetString()));

        // Revise with If-Match; again with the same (now stale) version: 409; without any version: 428.
        var revise = new HttpRequestMessage(HttpMethod.Put, $"/api/entries/condition/{id}") { Content = JsonContent.Create(new { reason = "HbA1c normal", body = Condition("resolved") }) };
        revise.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        var revised = await dentist.SendAsync(revise);
        Assert.Equal(HttpStatusCode.OK, revised.StatusCode);
        Assert.Equal("W/\"2\"", revised.Headers.ETag!.ToString());
        var stale = await dentist.PutAsJsonAsync($"/api/entries/condition/{id}", new { version = 1, reason = "again", body = Condition("inactive") });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await dentist.PutAsJsonAsync($"/api/entries/condition/{id}", new { reason = "x", body = Condition() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await dentist.PutAsJsonAsync($"/api/entries/condition/{id}", new { version = 2, body = Condition() })).StatusCode); // no reason

        var history = await RecordClients.JsonAsync(await dentist.GetAsync($"/api/entries/condition/{id}/history"));
        var versions = history.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([(1, "superseded", "active", "first visit"), (2, "current", "resolved", "HbA1c normal")],
            versions.Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString(), v.GetProperty("body").GetProperty("clinicalStatus").GetString(), v.GetProperty("reason").GetString())));
        var v1 = await dentist.GetAsync($"/api/entries/condition/{id}?version=1");
        Assert.Equal("active", (await RecordClients.JsonAsync(v1)).GetProperty("body").GetProperty("clinicalStatus").GetString());

        var list = await RecordClients.JsonAsync(await dentist.GetAsync($"/api/patients/{patient}/entries?kind=condition&state=resolved&code=44054006"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(id, list.GetProperty("entries")[0].GetProperty("id").GetString());

        var withdrawn = await dentist.PostAsJsonAsync($"/api/entries/condition/{id}/entered-in-error", new { reason = "wrong patient" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("entered-in-error", (await RecordClients.JsonAsync(withdrawn)).GetProperty("status").GetString());
        Assert.Equal(0, (await RecordClients.JsonAsync(await dentist.GetAsync($"/api/patients/{patient}/entries?kind=condition"))).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await dentist.PostAsJsonAsync($"/api/entries/condition/{id}/entered-in-error", new { reason = "again" })).StatusCode);

        // Each write was audited in its change, naming the entry.
        var audit = await server.Folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = patient, Limit = 1000 }, default);
        Assert.Equal(["entry-recorded version 1", "entry-revised version 2", "entry-entered-in-error"],
            audit.Where(r => r.Event.Detail.StartsWith("entry-", StringComparison.Ordinal) && r.Event.Object.Text.EndsWith($"condition {id}", StringComparison.Ordinal)).Select(r => r.Event.Detail));
    }

    [Fact]
    public async Task Receptionist_CannotReadANote_DentistSignsIt_ThenItIsLocked()
    {
        long patient = await PatientAsync();
        using var dentist = await server.ClientAsync("dentist");
        using var desk = await server.ClientAsync("receptionist");
        var created = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries?kind=note", new { body = Note() });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await RecordClients.JsonAsync(created)).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/entries/note/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/entries/note/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/patients/{patient}/entries?kind=note")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostAsJsonAsync($"/api/patients/{patient}/entries", new { body = Note() })).StatusCode);
        // Listing everything leaves the notes out (and says so).
        var everything = await RecordClients.JsonAsync(await desk.GetAsync($"/api/patients/{patient}/entries"));
        Assert.Equal(0, everything.GetProperty("total").GetInt32());
        Assert.Contains("ClinicalNotes", everything.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await RecordClients.JsonAsync(await dentist.GetAsync($"/api/patients/{patient}/entries"))).GetProperty("total").GetInt32());

        var sign = new HttpRequestMessage(HttpMethod.Post, $"/api/entries/note/{id}/sign");
        sign.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        var signed = await dentist.SendAsync(sign);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("signed", (await RecordClients.JsonAsync(signed)).GetProperty("body").GetProperty("status").GetString());
        var locked = await dentist.PutAsJsonAsync($"/api/entries/note/{id}", new { version = 2, reason = "rewrite", body = Note("rewritten") });
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Contains("addendum", (await RecordClients.JsonAsync(locked)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var addendum = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new { body = new { kind = "note", title = "Addendum", text = "37 too.", on = "2026-01-11", appends = id } });
        Assert.Equal(HttpStatusCode.Created, addendum.StatusCode);
    }

    [Fact]
    public async Task AnotherClinicsDentist_FindsNothing()
    {
        long patient = await PatientAsync();
        using var dentist = await server.ClientAsync("dentist");
        using var north = await server.ClientAsync("dentist", "north");
        var id = (await RecordClients.JsonAsync(await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new { body = Condition() }))).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/api/entries/condition/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/api/patients/{patient}/entries?kind=condition")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await north.PostAsJsonAsync($"/api/patients/{patient}/entries", new { body = Condition() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync("/api/entries/condition/0123456789abcdef0123456789abcdef")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync($"/api/entries/allergy/{id}")).StatusCode); // the id of another kind
    }

    [Fact]
    public async Task BadJson_Is400WithAClearMessage_AndNothingIsStored()
    {
        long patient = await PatientAsync();
        using var dentist = await server.ClientAsync("dentist");
        var url = $"/api/patients/{patient}/entries";

        async Task<string> Refused(HttpContent content, HttpStatusCode expected = HttpStatusCode.BadRequest)
        {
            var response = await dentist.PostAsync(url, content);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            return (await RecordClients.JsonAsync(response)).GetProperty("detail").GetString()!;
        }

        Assert.Contains("not JSON", await Refused(Raw("{\"body\": {\"kind\": \"condition\",")), StringComparison.Ordinal);
        Assert.Contains("body", await Refused(Raw("{\"reason\": \"x\"}")), StringComparison.Ordinal);
        Assert.Contains("kind", await Refused(Raw("{\"body\": {\"clinicalStatus\": \"active\"}}")), StringComparison.Ordinal);
        Assert.Contains("'tooth-ache' is not a kind of entry", await Refused(Raw("{\"body\": {\"kind\": \"tooth-ache\"}}")), StringComparison.Ordinal);
        Assert.Contains("onset", await Refused(Raw("""{"body": {"kind": "condition", "code": {"system": "http://snomed.info/sct", "code": "44054006"}, "clinicalStatus": "active", "recorded": "2026-01-10"}}""")), StringComparison.Ordinal);
        Assert.Contains("recorded", await Refused(Raw("""{"body": {"kind": "condition", "code": {"system": "http://snomed.info/sct", "code": "44054006"}, "clinicalStatus": "active", "onset": "", "recorded": null}}""")), StringComparison.Ordinal);
        Assert.Contains("colour", await Refused(Raw("""{"body": {"kind": "condition", "code": {"system": "http://snomed.info/sct", "code": "1"}, "clinicalStatus": "active", "onset": "", "recorded": "", "colour": "red"}}""")), StringComparison.Ordinal);
        Assert.Contains("clinical status", await Refused(JsonContent.Create(new { body = Condition("cured") })), StringComparison.Ordinal);
        Assert.Contains("onset", await Refused(JsonContent.Create(new { body = new { kind = "condition", code = new { system = "http://snomed.info/sct", code = "1" }, clinicalStatus = "active", onset = "2019-13", recorded = "" } })), StringComparison.Ordinal);
        Assert.Contains("query names", await dentist.PostAsJsonAsync(url + "?kind=allergy", new { body = Condition() }).ContinueWith(async t => (await RecordClients.JsonAsync(await t)).GetProperty("detail").GetString()!).Unwrap(), StringComparison.Ordinal);
        await Refused(Raw("{\"body\": {}}", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await Refused(Raw("{\"body\": \"" + new string('x', 300 * 1024) + "\"}"), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, (await RecordClients.JsonAsync(await dentist.GetAsync(url))).GetProperty("total").GetInt32());
        var audit = await server.Folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = patient, Limit = 1000 }, default);
        Assert.DoesNotContain(audit, r => r.Event.Detail.StartsWith("entry-", StringComparison.Ordinal));
    }
}
