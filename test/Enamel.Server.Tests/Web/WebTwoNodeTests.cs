using System.Net;
using System.Text.RegularExpressions;
using Enamel.Core.Accounts;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// Two Enamel nodes over one database, as a group runs them behind a load balancer without affinity: a step started on
/// one node (password accepted, TOTP set-up shown) is finished on the other, still only once, and the TOTP secret waiting
/// for its first code is sealed in the database.
/// </summary>
public sealed partial class WebTwoNodeTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private const string Password = "a long enough password";

    [Fact]
    public async Task SignInStartedOnOneNode_FinishesOnTheOther_Once_AndEnrolmentSecretIsSealed()
    {
        var (node, address) = await server.StartNodeAsync();
        try
        {
            using var first = server.Client();
            using var second = new WebClient(address, server.Folder.Certificate.Thumbprint);
            void Follow(WebClient to, WebClient from) { foreach (var (k, v) in from.Cookies) to.Cookies[k] = v; }

            // TOTP set-up shown by the first node, confirmed on the second.
            var user = await server.CreateUserAsync("two-nodes-" + Guid.NewGuid().ToString("N")[..6], Password);
            WebClient.AssertSeeOther((await first.SignInAsync(user.UserName, Password)).Response, "/account");
            var setup = await first.SubmitAsync("/account", "/account/mfa/start");
            Assert.Equal(HttpStatusCode.OK, setup.Response.StatusCode);
            var secretText = TotpSecret().Match(setup.Body).Groups[1].Value;
            var secret = OtpNet.Base32Encoding.ToBytes(secretText);
            var enrolmentKey = SecretToken.Hash(first.Session!);
            var sealedSecret = await server.Folder.Security.PendingSteps.PeekAsync("mfa-enrolment", enrolmentKey, DateTimeOffset.UtcNow, default);
            Assert.NotNull(sealedSecret);
            Assert.StartsWith("new:v1:", sealedSecret, StringComparison.Ordinal); // the kind of set-up, then the sealed secret
            Assert.DoesNotContain(secretText, sealedSecret, StringComparison.Ordinal);

            Follow(second, first);
            var totp = new TotpAuthenticator(TimeProvider.System);
            var on = await second.SubmitAsync("/account", "/account/mfa/confirm", ("code", totp.Compute(secret)));
            Assert.Equal(HttpStatusCode.OK, on.Response.StatusCode);
            Assert.Contains("recovery-codes", on.Body, StringComparison.Ordinal);
            Assert.Null(await server.Folder.Security.PendingSteps.PeekAsync("mfa-enrolment", enrolmentKey, DateTimeOffset.UtcNow, default));

            // Password on the first node, code on the second: signed in; the same handle replayed on the first: refused.
            using var browser = server.Client();
            WebClient.AssertSeeOther((await browser.SignInAsync(user.UserName, Password)).Response, "/signin/code");
            using var other = new WebClient(address, server.Folder.Certificate.Thumbprint);
            Follow(other, browser);
            var code = totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30));
            var done = await other.SubmitAsync("/signin/code", "/signin/code", ("code", code));
            WebClient.AssertSeeOther(done.Response, "/account");
            Assert.NotNull(other.Session);
            var replay = await browser.SubmitAsync("/signin", "/signin/code", ("code", code)); // its code page is gone: take the CSRF token from /signin
            Assert.Equal(HttpStatusCode.Unauthorized, replay.Response.StatusCode);
            Assert.Contains("already used", replay.Body, StringComparison.Ordinal); // the handle, not just the code, is spent
            Assert.Null(browser.Session);
        }
        finally
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }
    }

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex TotpSecret();
}
