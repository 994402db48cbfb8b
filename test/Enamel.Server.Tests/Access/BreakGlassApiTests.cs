using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Enamel.Core.Accounts;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Access;

/// <summary>The default server with a per-address limit that the break-glass posts (rate-limited like sign-in) do not reach here.</summary>
public sealed class BreakGlassFixture : ServerFixture
{
    protected override void Configure(EnamelOptions options) => options.SignInAttemptsPerWindow = 1000;
}

/// <summary>
/// Break-glass end to end: a dentist of another clinic, signed in on the web and entering their second factor, gets
/// time-limited emergency access to one patient, flagged to the privacy officer. An API token never opens a grant.
/// </summary>
public class BreakGlassApiTests(BreakGlassFixture server) : IClassFixture<BreakGlassFixture>
{
    /// <summary>
    /// A user of <paramref name="role"/> in <paramref name="clinic"/> with an API token (the returned Token client), a TOTP
    /// authenticator and its recovery codes, and a web session (the Session client sends only the session cookie).
    /// </summary>
    private async Task<(HttpClient Token, HttpClient Session, Queue<string> RecoveryCodes, string UsedTotpCode)> UserAsync(string role, string name, string[] scope, string clinic)
    {
        var token = Reach.Client(server, await server.CreateTokenAsync(role, name, scope, clinic));
        var s = server.Folder.Security;
        var accounts = new UserAccounts(s.Users, s.Roles, new PasswordHasher(), server.Folder.Secrets, s.Changes, TimeProvider.System);
        var secret = TotpAuthenticator.NewSecret();
        var enrolCode = new TotpAuthenticator(TimeProvider.System).Compute(secret);
        var recovery = await accounts.EnrolTotpAsync((await s.Users.FindByNameAsync(name, default))!, secret, enrolCode, default);
        var sessionId = await server.Services.GetRequiredService<Sessions>().StartAsync((await s.Users.FindByNameAsync(name, default))!, "test", default);
        var session = server.AnonymousClient();
        session.DefaultRequestHeaders.Add("Cookie", "__Host-enamel-session=" + sessionId);
        return (token, session, new Queue<string>(recovery!), enrolCode);
    }

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
        var (visitor, web, codes, usedTotp) = await UserAsync("dentist", "bg-north-" + tag, ["Imaging:Read"], "north");
        using var disposeToken = visitor;
        using var disposeSession = web;
        var ct = $"/dicom-web/studies/{CtStudy}/metadata";
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.SendAsync(Get(ct, "Emergency"))).StatusCode); // no grant yet — answered as if it did not exist

        // Issue 11: the user must be present. An API token is refused even with a valid code (and burns none); a session
        // without a code, with a wrong one, or with a TOTP step already used is refused too. Nothing is granted.
        const string reason = "facial trauma, patient unconscious";
        var byToken = await visitor.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason, code = codes.Peek() });
        Assert.Equal(HttpStatusCode.Forbidden, byToken.StatusCode);
        Assert.Contains("API token", await byToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason, code = "000000" == usedTotp ? "111111" : "000000" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason, code = usedTotp })).StatusCode); // replay
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.SendAsync(Get(ct, "Emergency"))).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "urgent", code = codes.Dequeue() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason, minutes = 600, code = codes.Dequeue() })).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await web.PostAsync("/api/break-glass", new StringContent("study=x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await web.PostAsJsonAsync("/api/break-glass", new { study = "1.2.3.4", reason, code = codes.Peek() })).StatusCode);
        var granted = await web.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason, minutes = 30, code = codes.Dequeue() });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var grantId = JsonDocument.Parse(await granted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await visitor.SendAsync(Get(ct))).StatusCode); // only when the request says it is an emergency
        Assert.Equal(HttpStatusCode.OK, (await visitor.SendAsync(Get(ct, "Emergency"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.SendAsync(Get($"/dicom-web/studies/{MrStudy}/metadata", "Emergency"))).StatusCode); // that patient only
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.SendAsync(Get(ct, "4"))).StatusCode); // the enum's number is no purpose

        // A grant widens reach, never permissions: a receptionist's emergency grant still shows no images; an admin (no patient role) gets none.
        var (front, frontWeb, frontCodes, _) = await UserAsync("receptionist", "bg-front-" + tag, ["Imaging:Read", "Demographics:Read"], "north");
        using (front)
        using (frontWeb)
        {
            Assert.Equal(HttpStatusCode.Created, (await frontWeb.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "emergency call, need contact", code = frontCodes.Dequeue() })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await front.SendAsync(Get(ct, "Emergency"))).StatusCode);
        }
        var (admin, adminWeb, adminCodes, _) = await UserAsync("admin", "bg-admin-" + tag, ["Settings:Read"], "north");
        using (admin)
        using (adminWeb)
            Assert.Equal(HttpStatusCode.Forbidden, (await adminWeb.PostAsJsonAsync("/api/break-glass", new { study = CtStudy, reason = "want to look at the x-ray", code = adminCodes.Dequeue() })).StatusCode);

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
