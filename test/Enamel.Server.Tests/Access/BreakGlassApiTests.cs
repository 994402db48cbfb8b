using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Enamel.Server.Tests.Access;

/// <summary>Break-glass end to end: a dentist of another clinic gets time-limited emergency access to one patient, flagged to the privacy officer.</summary>
public class BreakGlassApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string MrStudy = "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457";

    private static HttpRequestMessage Get(string path, string? purpose = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (purpose is not null) request.Headers.Add("X-Purpose-Of-Use", purpose);
        return request;
    }

    [Fact]
    public async Task OtherClinicsDentist_BreaksTheGlass_ReachesThatPatientOnlyInAnEmergency_AndThePrivacyOfficerReviews()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"), ServerFixture.Sample("MR_small.dcm"))).StatusCode);
        var tag = Guid.NewGuid().ToString("N")[..6];
        using var visitor = Reach.Client(server, await server.CreateTokenAsync("dentist", "bg-north-" + tag, ["Imaging:Read"], clinic: "north"));
        var ct = $"/dicom-web/studies/{CtStudy}/metadata";
        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.SendAsync(Get(ct, "Emergency"))).StatusCode); // no grant yet

        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "urgent" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "facial trauma, patient unconscious", minutes = 600 })).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await visitor.PostAsync("/api/break-glass", new StringContent("study=x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostAsJsonAsync("/api/break-glass", new { study = "1.2.3.4", reason = "facial trauma, patient unconscious" })).StatusCode);
        var granted = await visitor.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "facial trauma, patient unconscious", minutes = 30 });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var grantId = JsonDocument.Parse(await granted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.SendAsync(Get(ct))).StatusCode); // only when the request says it is an emergency
        Assert.Equal(HttpStatusCode.OK, (await visitor.SendAsync(Get(ct, "Emergency"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.SendAsync(Get($"/dicom-web/studies/{MrStudy}/metadata", "Emergency"))).StatusCode); // that patient only

        // A grant widens reach, never permissions: a receptionist's emergency grant still shows no images; an admin (no patient role) gets none.
        using (var front = Reach.Client(server, await server.CreateTokenAsync("receptionist", "bg-front-" + tag, ["Imaging:Read", "Demographics:Read"], clinic: "north")))
        {
            Assert.Equal(HttpStatusCode.Created, (await front.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "emergency call, need contact" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await front.SendAsync(Get(ct, "Emergency"))).StatusCode);
        }
        using (var admin = Reach.Client(server, await server.CreateTokenAsync("admin", "bg-admin-" + tag, ["Settings:Read"], clinic: "north")))
            Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "want to look at the x-ray" })).StatusCode);

        // Flagged to the privacy officer until reviewed; the holder cannot review it, the visitor cannot list.
        Assert.Equal(HttpStatusCode.Forbidden, (await visitor.GetAsync("/api/break-glass")).StatusCode);
        using var officer = Reach.Client(server, await server.CreateTokenAsync("privacy-officer", "bg-po-" + tag, ["Audit:Read"]));
        var list = JsonDocument.Parse(await officer.GetStringAsync("/api/break-glass")).RootElement;
        var flagged = list.EnumerateArray().Single(g => g.GetProperty("id").GetString() == grantId);
        Assert.Equal("facial trauma, patient unconscious", flagged.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await officer.PostAsync($"/api/break-glass/{grantId}/review", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PostAsync($"/api/break-glass/{grantId}/review", null)).StatusCode);

        // The emergency read is in the audit trail as a break-glass decision.
        var trail = JsonDocument.Parse(await officer.GetStringAsync($"/api/audit?object={Uri.EscapeDataString("Imaging study " + CtStudy)}&limit=1000")).RootElement;
        Assert.Contains(trail.GetProperty("entries").EnumerateArray(), e => e.GetProperty("detail").GetString() == "break-glass" && e.GetProperty("outcome").GetString() == "Success");
    }
}
