using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Web;

/// <summary>The sign-in and account pages over real HTTPS, cookies handled by hand: CSRF, fixation, cookies, lockout, redirects, tokens.</summary>
public sealed partial class WebSignInTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private const string Password = "a long enough password";

    private static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(WebClient Client, User User)> SignedInAsync(string prefix = "dr")
    {
        var user = await server.CreateUserAsync(NewName(prefix), Password);
        var client = server.Client();
        var (response, _) = await client.SignInAsync(user.UserName, Password);
        WebClient.AssertSeeOther(response, "/account");
        Assert.NotNull(client.Session);
        return (client, user);
    }

    [Fact]
    public async Task Post_WithoutOrWithWrongCsrfToken_IsRefused_AndNothingChanges()
    {
        var (client, user) = await SignedInAsync();
        var (_, account) = await client.GetAsync("/account");
        var good = WebClient.CsrfToken(account);
        (string, string)[] change = [("current", Password), ("new", "another long password"), ("confirm", "another long password")];

        var missing = await client.PostAsync("/account/password", change.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        Assert.Equal(HttpStatusCode.Forbidden, missing.Response.StatusCode);
        var wrong = await client.PostAsync("/account/password", change.Append(("csrf", good[..^2] + "AA")).Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.Response.StatusCode);
        // A valid token from another session is wrong for this one.
        var (other, _) = await SignedInAsync();
        var foreign = WebClient.CsrfToken((await other.GetAsync("/account")).Body);
        var crossed = await client.PostAsync("/account/password", change.Append(("csrf", foreign)).Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        Assert.Equal(HttpStatusCode.Forbidden, crossed.Response.StatusCode);
        // The right token, but the browser says the form came from another site (fetch metadata, or Origin).
        var crossSite = await client.PostAsync("/account/password", change.Append(("csrf", good)).Select(f => KeyValuePair.Create(f.Item1, f.Item2)),
            r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.Response.StatusCode);
        var otherOrigin = await client.PostAsync("/account/password", change.Append(("csrf", good)).Select(f => KeyValuePair.Create(f.Item1, f.Item2)),
            r => r.Headers.Add("Origin", "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, otherOrigin.Response.StatusCode);
        var tokenCreate = await client.PostAsync("/account/tokens", [new("name", "x"), new("scope", "Imaging:Read"), new("days", "1")]);
        Assert.Equal(HttpStatusCode.Forbidden, tokenCreate.Response.StatusCode);
        var signOutEverywhere = await client.PostAsync("/signout/everywhere", []);
        Assert.Equal(HttpStatusCode.Forbidden, signOutEverywhere.Response.StatusCode);

        // Nothing changed: same password, same session, no token.
        var stored = (await server.Folder.Security.Users.FindByIdAsync(user.Id, default))!;
        Assert.True(new PasswordHasher().Verify(Password, stored.PasswordHash));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Response.StatusCode);
        Assert.Empty(await server.Folder.Security.Tokens.ListForUserAsync(user.Id, default));

        // Sign-in itself (login CSRF): no pre-sign-in cookie, or a token for another one, is refused before any password check.
        using var fresh = server.Client();
        var noCookie = await fresh.PostAsync("/signin", [new("username", user.UserName), new("password", Password), new("csrf", good)]);
        Assert.Equal(HttpStatusCode.Forbidden, noCookie.Response.StatusCode);
        Assert.Null(fresh.Session);
        await fresh.GetAsync("/signin");
        var wrongPre = await fresh.PostAsync("/signin", [new("username", user.UserName), new("password", Password), new("csrf", good)]);
        Assert.Equal(HttpStatusCode.Forbidden, wrongPre.Response.StatusCode);
        Assert.Null(fresh.Session);
    }

    [Fact]
    public async Task SignIn_IssuesANewSessionId_AndEndsTheOnePresentedBefore()
    {
        var (client, user) = await SignedInAsync();
        var before = client.Session!;
        var (response, _) = await client.SignInAsync(user.UserName, Password); // the old cookie is sent along
        WebClient.AssertSeeOther(response, "/account");
        var after = client.Session!;
        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Response.StatusCode);

        using var stale = server.Client();
        stale.Cookies["__Host-enamel-session"] = before;
        WebClient.AssertSeeOther((await stale.GetAsync("/account")).Response, "/signin?return=%2Faccount");
        var dicom = await stale.GetAsync("/dicom-web/studies");
        Assert.Equal(HttpStatusCode.Unauthorized, dicom.Response.StatusCode);

        // A value planted by an attacker before sign-in is never adopted.
        using var planted = server.Client();
        planted.Cookies["__Host-enamel-session"] = "ens_chosen-by-the-attacker";
        await planted.SignInAsync(user.UserName, Password);
        Assert.NotEqual("ens_chosen-by-the-attacker", planted.Session);
        Assert.NotNull(await server.Services.GetRequiredService<Sessions>().ValidateAsync(planted.Session!, default));
    }

    [Fact]
    public async Task Cookies_AreHostPrefixed_Secure_HttpOnly_SameSiteStrict_PathRoot_NoDomain()
    {
        var user = await server.CreateUserAsync(NewName("cookie"), Password);
        using var client = server.Client();
        await client.GetAsync("/signin");
        var pre = Assert.Single(client.SetCookies, c => c.StartsWith("__Host-enamel-presignin=", StringComparison.Ordinal));
        await client.SignInAsync(user.UserName, Password);
        var session = Assert.Single(client.SetCookies, c => c.StartsWith("__Host-enamel-session=", StringComparison.Ordinal));
        foreach (var cookie in new[] { pre, session })
        {
            var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
            Assert.Contains("path=/", attributes);
            Assert.DoesNotContain(attributes, a => a.StartsWith("domain", StringComparison.Ordinal));
        }
        Assert.Matches("^__Host-enamel-session=ens_[A-Za-z0-9_-]{43};", session);
    }

    [Fact]
    public async Task WrongPasswords_LockTheAccount_ButALockedAccountAnswersLikeAnUnknownName()
    {
        var user = await server.CreateUserAsync(NewName("locked"), Password);
        var nobody = "no-such-user-" + Guid.NewGuid().ToString("N")[..6];
        using var client = server.Client();
        var unknown = await client.SignInAsync(nobody, Password);
        var wrong = await client.SignInAsync(user.UserName, "wrong password 1");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Response.StatusCode);
        Assert.Equal(ErrorText(unknown.Body), ErrorText(wrong.Body)); // no user enumeration
        for (int i = 2; i < 5; i++) await client.SignInAsync(user.UserName, "wrong password " + i);
        // Issue 11: the fifth failure (which locks) and every attempt while locked, even with the right password, answer
        // exactly as five attempts at a name that does not exist: same status, same message, no time shown.
        var locked = await client.SignInAsync(user.UserName, "wrong password 5");
        var right = await client.SignInAsync(user.UserName, Password);
        for (int i = 2; i <= 5; i++) unknown = await client.SignInAsync(nobody, "wrong password " + i);
        foreach (var answer in new[] { locked, right })
        {
            Assert.Equal(unknown.Response.StatusCode, answer.Response.StatusCode);
            Assert.Equal(ErrorText(unknown.Body), ErrorText(answer.Body));
            Assert.Equal(unknown.Body.Replace(nobody, "NAME", StringComparison.Ordinal), answer.Body.Replace(user.UserName, "NAME", StringComparison.Ordinal)
                .Replace(WebClient.CsrfToken(answer.Body), WebClient.CsrfToken(unknown.Body), StringComparison.Ordinal));
            Assert.DoesNotContain("locked until", answer.Body, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Null(client.Session);
        // The lock itself still applies, in the account record.
        Assert.True((await server.Folder.Security.Users.FindByIdAsync(user.Id, default))!.LockedUntil > DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData("//evil.example/account")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task SignIn_ReturnPathOffSite_GoesToTheHomePageInstead(string returnPath)
    {
        var user = await server.CreateUserAsync(NewName("redir"), Password);
        using var client = server.Client();
        WebClient.AssertSeeOther((await client.SignInAsync(user.UserName, Password, returnPath)).Response, "/home");
        WebClient.AssertSeeOther((await client.SignInAsync(user.UserName, Password, "/account/password?from=1")).Response, "/account/password?from=1");
    }

    [Fact]
    public async Task OneTimePassword_GivesNoSession_UntilChanged()
    {
        var (user, oneTime) = await server.Accounts().CreateAsync(NewName("new"), "New", ["dentist"], new HashSet<string> { "main" }, "test", default);
        using var client = server.Client();
        var (response, _) = await client.SignInAsync(user.UserName, oneTime!);
        WebClient.AssertSeeOther(response, "/signin/password");
        Assert.Null(client.Session);
        Assert.True(client.Cookies.ContainsKey("__Host-enamel-pending"));
        Assert.DoesNotContain(oneTime!, client.Cookies["__Host-enamel-pending"], StringComparison.Ordinal);
        Assert.Empty(await server.Services.GetRequiredService<Sessions>().ListAsync(user.Id, default));
        // Nothing else is reachable meanwhile.
        WebClient.AssertSeeOther((await client.GetAsync("/account")).Response, "/signin?return=%2Faccount");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dicom-web/studies")).Response.StatusCode);

        var short1 = await client.SubmitAsync("/signin/password", "/signin/password", ("new", "too short"), ("confirm", "too short"));
        Assert.Equal(HttpStatusCode.BadRequest, short1.Response.StatusCode);
        var same = await client.SubmitAsync("/signin/password", "/signin/password", ("new", oneTime!), ("confirm", oneTime!));
        Assert.Equal(HttpStatusCode.BadRequest, same.Response.StatusCode);
        var done = await client.SubmitAsync("/signin/password", "/signin/password", ("new", "my own new password"), ("confirm", "my own new password"));
        WebClient.AssertSeeOther(done.Response, "/account");
        Assert.NotNull(client.Session);
        Assert.False(client.Cookies.ContainsKey("__Host-enamel-pending"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).Response.StatusCode);
        Assert.False((await server.Folder.Security.Users.FindByIdAsync(user.Id, default))!.MustChangePassword);
    }

    [Fact]
    public async Task SecondFactor_PendingHandleIsSingleUse_AndHoldsNoPassword()
    {
        var user = await server.CreateUserAsync(NewName("totp"), Password);
        var secret = TotpAuthenticator.NewSecret();
        var totp = new TotpAuthenticator(TimeProvider.System);
        Assert.NotNull(await server.Accounts().EnrolTotpAsync(user, secret, totp.Compute(secret), default));
        using var client = server.Client();
        WebClient.AssertSeeOther((await client.SignInAsync(user.UserName, Password, "/account?x=1")).Response, "/signin/code");
        Assert.Null(client.Session);
        var firstHandle = client.Cookies["__Host-enamel-pending"];

        var wrong = await client.SubmitAsync("/signin/code", "/signin/code", ("code", "000000"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Response.StatusCode);
        Assert.NotEqual(firstHandle, client.Cookies["__Host-enamel-pending"]); // a fresh handle for the retry

        // The used-up handle is refused even with a right code.
        using var replay = server.Client();
        foreach (var (k, v) in client.Cookies) replay.Cookies[k] = v;
        replay.Cookies["__Host-enamel-pending"] = firstHandle;
        var replayed = await replay.SubmitAsync("/signin", "/signin/code", ("code", totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30))));
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.Response.StatusCode);
        Assert.Null(replay.Session);

        var ok = await client.SubmitAsync("/signin/code", "/signin/code", ("code", totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30))));
        WebClient.AssertSeeOther(ok.Response, "/account?x=1");
        Assert.NotNull(client.Session);
    }

    [Fact]
    public async Task Token_CreatedOnThePage_WorksOnDicomWeb_AndAfterRevocationIs401()
    {
        var (client, user) = await SignedInAsync();
        var (_, account) = await client.GetAsync("/account");
        Assert.Contains("value=\"Imaging:Read\"", account, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"Settings:Read\"", account, StringComparison.Ordinal); // a dentist's roles do not permit it
        var csrf = WebClient.CsrfToken(account);
        var beyond = await client.PostAsync("/account/tokens", [new("csrf", csrf), new("name", "x"), new("scope", "Settings:Read"), new("days", "1")]);
        Assert.Equal(HttpStatusCode.BadRequest, beyond.Response.StatusCode);

        var created = await client.PostAsync("/account/tokens", [new("csrf", csrf), new("name", "viewer <script>"), new("scope", "Imaging:Read"), new("days", "7")]);
        Assert.Equal(HttpStatusCode.OK, created.Response.StatusCode);
        Assert.Contains("viewer &lt;script&gt;", created.Body, StringComparison.Ordinal); // encoded, never markup
        var secret = NewTokenPattern().Match(created.Body).Groups[1].Value;
        Assert.StartsWith("ent_", secret, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await client.GetAsync("/account")).Body, StringComparison.Ordinal); // shown once

        using var api = server.Client();
        var studies = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        Assert.True((await api.SendAsync(studies, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret))).Response.IsSuccessStatusCode);

        // Another user cannot revoke it by id.
        var tokenId = (await server.Folder.Security.Tokens.ListForUserAsync(user.Id, default)).Single().Id;
        var (other, _) = await SignedInAsync();
        var otherCsrf = WebClient.CsrfToken((await other.GetAsync("/account")).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync("/account/tokens/revoke", [new("csrf", otherCsrf), new("id", tokenId)])).Response.StatusCode);
        Assert.True((await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies"),
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret))).Response.IsSuccessStatusCode);

        WebClient.AssertSeeOther((await client.PostAsync("/account/tokens/revoke", [new("csrf", csrf), new("id", tokenId)])).Response, "/account?done=revoked");
        var replay = await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies"),
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Response.StatusCode);

        // Audited, and no secret in the trail.
        var entries = new List<AuditRecord>();
        await foreach (var r in server.Folder.Security.Audit.ReadAsync(0, default)) entries.Add(r);
        Assert.Contains(entries, e => e.Event.Action == "TokenCreate" && e.Event.ActorId == user.Id);
        Assert.Contains(entries, e => e.Event.Action == "TokenRevoke" && e.Event.Object == $"api token {tokenId}");
        Assert.Contains(entries, e => e.Event.Action == "Login" && e.Event.ActorId == user.Id && e.Event.Detail == "signed-in");
        Assert.DoesNotContain(entries, e => (e.Event.Object.Text + e.Event.Detail + e.Event.Source).Contains(secret, StringComparison.Ordinal)
            || (e.Event.Object.Text + e.Event.Detail).Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignOutEverywhere_EndsTheUsersOtherSessions_SignOutEndsThisOne()
    {
        var user = await server.CreateUserAsync(NewName("multi"), Password);
        using var laptop = server.Client();
        using var tablet = server.Client();
        using var phone = server.Client();
        foreach (var c in new[] { laptop, tablet, phone }) await c.SignInAsync(user.UserName, Password);
        var (_, page) = await laptop.GetAsync("/account");
        Assert.Equal(3, Regex.Matches(page, "<tr[^>]*><td>\\d{4}-").Count);
        Assert.Single(Regex.Matches(page, "this browser"));

        var (signOut, _) = await phone.SubmitAsync("/account", "/signout");
        WebClient.AssertSeeOther(signOut, "/signin");
        Assert.Null(phone.Session);

        var (everywhere, _) = await laptop.SubmitAsync("/account", "/signout/everywhere");
        WebClient.AssertSeeOther(everywhere, "/signin");
        WebClient.AssertSeeOther((await tablet.GetAsync("/account")).Response, "/signin?return=%2Faccount");
        Assert.Empty(await server.Services.GetRequiredService<Sessions>().ListAsync(user.Id, default));

        var entries = new List<AuditRecord>();
        await foreach (var r in server.Folder.Security.Audit.ReadAsync(0, default)) entries.Add(r);
        Assert.Contains(entries, e => e.Event.Action == "Logout" && e.Event.ActorId == user.Id && e.Event.Detail == "signed-out");
        Assert.Contains(entries, e => e.Event.Action == "Logout" && e.Event.ActorId == user.Id && e.Event.Detail.StartsWith("signed-out-everywhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EndOneSession_FromTheAccountPage_OnlyTheUsersOwn_NotThisOne()
    {
        var user = await server.CreateUserAsync(NewName("lost-laptop"), Password);
        using var desk = server.Client();
        using var laptop = server.Client();
        foreach (var c in new[] { desk, laptop }) await c.SignInAsync(user.UserName, Password);
        var (other, _) = await SignedInAsync("someone-else");

        var (_, page) = await desk.GetAsync("/account");
        var references = SessionReference().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, references.Count);
        var own = SessionReference().Match(Regex.Match(page, "<tr class=\"current\"[^>]*>").Value).Groups[1].Value;
        var laptopReference = Assert.Single(references, r => r != own);
        var (_, otherPage) = await other.GetAsync("/account");
        var otherReference = SessionReference().Match(otherPage).Groups[1].Value;
        var csrf = WebClient.CsrfToken(page);

        // Another user's session, and this browser's own: refused, nothing ends.
        var foreign = await desk.PostAsync("/account/sessions/end", [new("csrf", csrf), new("session", otherReference)]);
        Assert.Equal(HttpStatusCode.NotFound, foreign.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/account")).Response.StatusCode);
        var self = await desk.PostAsync("/account/sessions/end", [new("csrf", csrf), new("session", own)]);
        Assert.Equal(HttpStatusCode.BadRequest, self.Response.StatusCode);
        var noToken = await desk.PostAsync("/account/sessions/end", [new("session", laptopReference)]);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.Response.StatusCode);

        var ended = await desk.PostAsync("/account/sessions/end", [new("csrf", csrf), new("session", laptopReference)]);
        WebClient.AssertSeeOther(ended.Response, "/account?done=session");
        WebClient.AssertSeeOther((await laptop.GetAsync("/account")).Response, "/signin?return=%2Faccount");
        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync("/account")).Response.StatusCode);
        var logouts = await server.Folder.Security.Audit.QueryAsync(new AuditQuery { ActorId = user.Id, Action = "Logout" }, default);
        Assert.Equal("ended-other-session", Assert.Single(logouts).Event.Detail);
    }

    [Fact]
    public async Task ReplaceAuthenticator_NeedsTheCurrentCode_ThenTheNewSecretAndNewRecoveryCodesReplaceTheOld()
    {
        var user = await server.CreateUserAsync(NewName("new-phone"), Password);
        var oldSecret = TotpAuthenticator.NewSecret();
        var totp = new TotpAuthenticator(TimeProvider.System);
        var oldRecovery = (await server.Accounts().EnrolTotpAsync(user, oldSecret, totp.Compute(oldSecret), default))!;
        using var client = server.Client();
        await client.SignInAsync(user.UserName, Password);
        WebClient.AssertSeeOther((await client.SubmitAsync("/signin/code", "/signin/code", ("code", totp.Compute(oldSecret, DateTimeOffset.UtcNow.AddSeconds(30))))).Response, "/account");

        // Without a current code nothing starts, the failure counts, and confirming without a started replacement is refused.
        var wrong = await client.SubmitAsync("/account", "/account/mfa/replace", ("code", "000000"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Response.StatusCode);
        Assert.Equal(1, (await server.Folder.Security.Users.FindByIdAsync(user.Id, default))!.FailedLogins);
        var unstarted = await client.SubmitAsync("/account", "/account/mfa/confirm", ("code", "123456"));
        Assert.Equal(HttpStatusCode.BadRequest, unstarted.Response.StatusCode);

        // A recovery code proves the current factor (and is used up); the new app's code turns the new secret on.
        var started = await client.SubmitAsync("/account", "/account/mfa/replace", ("code", oldRecovery[0]));
        Assert.Equal(HttpStatusCode.OK, started.Response.StatusCode);
        var newSecret = OtpNet.Base32Encoding.ToBytes(Regex.Match(started.Body, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value);
        var done = await client.SubmitAsync("/account", "/account/mfa/confirm", ("code", totp.Compute(newSecret)));
        Assert.Equal(HttpStatusCode.OK, done.Response.StatusCode);
        Assert.Contains("recovery-codes", done.Body, StringComparison.Ordinal);

        var after = (await server.Folder.Security.Users.FindByIdAsync(user.Id, default))!;
        Assert.Equal(newSecret, server.Folder.Secrets.Unprotect(after.TotpSecret!));
        Assert.Equal(0, after.FailedLogins);
        foreach (var old in oldRecovery.Skip(1))
            Assert.False(await server.Folder.Security.Users.ConsumeRecoveryCodeAsync(user.Id, RecoveryCodes.Hash(old), default)); // replaced
    }

    [GeneratedRegex("data-session=\"([0-9a-f]{16})\"")]
    private static partial Regex SessionReference();

    [Fact]
    public async Task Root_RedirectsToSignInOrHome_AndStaticAssetsAreServed()
    {
        using var anonymous = server.Client();
        WebClient.AssertSeeOther((await anonymous.GetAsync("/")).Response, "/signin");
        var (client, _) = await SignedInAsync();
        WebClient.AssertSeeOther((await client.GetAsync("/")).Response, "/home");
        WebClient.AssertSeeOther((await anonymous.GetAsync("/home")).Response, "/signin?return=%2Fhome");
        // A script (no Accept: text/html) gets the access gate's 401 instead of the redirect.
        using var script = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == server.Folder.Certificate.Thumbprint,
        }) { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/account")).StatusCode);
        WebClient.AssertSeeOther((await anonymous.GetAsync("/account")).Response, "/signin?return=%2Faccount");
        var css = await anonymous.GetAsync("/static/enamel.css");
        Assert.Equal("text/css", css.Response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/static/..%2Fenamel.css")).Response.StatusCode);
        var (signIn, html) = await anonymous.GetAsync("/signin");
        Assert.Contains("script-src 'self'", signIn.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<script>|<script [^>]*>[^<]", html);
    }

    private static string ErrorText(string html) => Regex.Match(html, "<p class=\"error\"[^>]*>([^<]*)</p>").Groups[1].Value;

    [GeneratedRegex("<code id=\"new-token\">([^<]+)</code>")]
    private static partial Regex NewTokenPattern();
}

/// <summary>The per-address sign-in limit, on a server allowing 3 attempts a minute.</summary>
public sealed class WebRateLimitTests(TightRateLimitFixture server) : IClassFixture<TightRateLimitFixture>
{
    [Fact]
    public async Task SignInPosts_PastTheLimit_Get429WithRetryAfter()
    {
        using var client = server.Client();
        for (int i = 0; i < TightRateLimitFixture.Limit; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("nobody", "wrong password")).Response.StatusCode);
        var (limited, body) = await client.SignInAsync("nobody", "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Contains("Too many sign-in attempts", body, StringComparison.Ordinal);
        // The code step counts too; the page itself is not limited.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/signin/code", [new("code", "123456")])).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin")).Response.StatusCode);
    }
}
