using System.Net;
using System.Net.Http.Headers;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Microsoft.Playwright;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// The pages in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser is downloaded):
/// first start to signed-in-with-TOTP to an API token that works and then does not, with the strict CSP never violated.
/// If Chromium cannot run, this test fails and says so: it never skips.
/// </summary>
public sealed class BrowserSignInTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private const string Chromium = "/usr/bin/chromium";
    private const string NewPassword = "admin's own long password";

    /// <summary>Clicks, then waits for the page the click leads to (failing with what the browser shows instead).</summary>
    private static async Task ClickThenAsync(IPage page, string selector, string pathEnd)
    {
        await page.ClickAsync(selector);
        try
        {
            // Bounded at 45 s: several browsers share two cores while the whole suite runs.
            await page.WaitForURLAsync(url => url.EndsWith(pathEnd, StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 45_000 });
            await page.WaitForLoadStateAsync(LoadState.Load);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"after clicking {selector} the browser is at {page.Url}, not …{pathEnd}:\n{await page.ContentAsync()}");
        }
    }

    [Fact]
    public async Task FirstStartAdmin_ChangesPassword_EnrolsTotp_SignsInAgain_CreatesAndRevokesAToken()
    {
        // First start: the server has no accounts; the bootstrap gives "admin" a one-time password (as `enamel serve` prints it).
        var oneTime = await server.Accounts().BootstrapAsync("main", default);
        Assert.NotNull(oneTime);
        // In a small practice the administrator is often also a dentist: with that role the token can read images.
        var users = server.Folder.Security.Users;
        var admin = (await users.FindByNameAsync(UserAccounts.BootstrapUserName, default))!;
        await users.UpdateAsync(admin with { Roles = [RoleTable.Admin, RoleTable.Dentist] }, default);

        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}: apt-get install chromium (.ci/run installs it). This test needs a real browser.");
        using var playwright = await Playwright.CreateAsync();
        IBrowser browser;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
            });
        }
        catch (PlaywrightException e)
        {
            Assert.Fail($"Chromium ({Chromium}) could not be started by Playwright: {e.Message}");
            throw;
        }
        await using var _ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        // Report every CSP violation to the console (init scripts run outside the page's CSP).
        await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
        var page = await context.NewPageAsync();
        var console = new List<string>();
        var pageErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") console.Add(m.Text); };
        page.PageError += (_, e) => pageErrors.Add(e);
        page.Dialog += (_, d) => d.AcceptAsync(); // the "are you sure?" of revoking, from /static/enamel.js
        var baseUrl = server.BaseAddress.ToString().TrimEnd('/');

        // 1. Sign in with the one-time password: the only way on is choosing a new one.
        await page.GotoAsync(baseUrl + "/");
        Assert.EndsWith("/signin", page.Url, StringComparison.Ordinal);
        Assert.Equal("rgb(31, 111, 235)", await page.EvalOnSelectorAsync<string>("main button[type=submit]", "b => getComputedStyle(b).backgroundColor")); // the stylesheet loaded
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", oneTime);
        await ClickThenAsync(page, "main button[type=submit]", "/signin/password");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "__Host-enamel-session");
        await page.FillAsync("input[name=new]", NewPassword);
        await page.FillAsync("input[name=confirm]", NewPassword);
        await ClickThenAsync(page, "main button[type=submit]", "/home");
        await ClickThenAsync(page, "#account-link", "/account");
        Assert.Equal("admin", await page.TextContentAsync("#user-name"));
        var sessionCookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-enamel-session");
        Assert.True(sessionCookie.HttpOnly && sessionCookie.Secure && sessionCookie.SameSite == SameSiteAttribute.Strict);

        // 2. Two-factor sign-in: read the key from the page, answer with the app's code, see the recovery codes once.
        await ClickThenAsync(page, "text=Set up two-factor sign-in", "/account/mfa/start");
        Assert.True(await page.EvalOnSelectorAsync<int>("#totp-qr", "img => img.naturalWidth") > 0, "the QR code (a data: PNG) did not render");
        var secret = OtpNet.Base32Encoding.ToBytes((await page.TextContentAsync("#totp-secret"))!.Trim());
        var totp = new TotpAuthenticator(TimeProvider.System);
        await page.FillAsync("input[name=code]", totp.Compute(secret));
        await ClickThenAsync(page, "text=Turn on", "/account/mfa/confirm");
        var recovery = await page.Locator("#recovery-codes li").AllTextContentsAsync();
        Assert.Equal(10, recovery.Count);
        Assert.All(recovery, c => Assert.Matches("^[0-9A-Z]{8}-[0-9A-Z]{8}$", c.Trim()));
        await page.GotoAsync(baseUrl + "/account");
        Assert.True(await page.IsVisibleAsync("#mfa-on"));

        // 3. Sign out, sign in again: password, then the next TOTP code.
        await ClickThenAsync(page, "header button:has-text('Sign out')", "/signin");
        await page.FillAsync("input[name=username]", "admin");
        await page.FillAsync("input[name=password]", NewPassword);
        await ClickThenAsync(page, "main button[type=submit]", "/signin/code");
        await page.FillAsync("input[name=code]", totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30))); // the enrolment code's step is used up
        await ClickThenAsync(page, "main button[type=submit]", "/home");
        await ClickThenAsync(page, "nav a[href='/account']", "/account");
        Assert.NotEqual(sessionCookie.Value, Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-enamel-session").Value);

        // 4. An API token, read from the page, works on DICOMweb; revoked on the page, it is refused.
        await page.FillAsync("input[name=name]", "browser test");
        await page.CheckAsync("input[name=scope][value='Imaging:Read']");
        await ClickThenAsync(page, "text=Create token", "/account/tokens");
        var token = (await page.TextContentAsync("#new-token"))!.Trim();
        Assert.StartsWith("ent_", token, StringComparison.Ordinal);
        using var api = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == server.Folder.Certificate.Thumbprint,
        }) { BaseAddress = server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var before = await api.GetAsync("/dicom-web/studies");
        Assert.True(before.IsSuccessStatusCode, $"the new token got {(int)before.StatusCode}");

        await page.GotoAsync(baseUrl + "/account");
        await ClickThenAsync(page, "#tokens button:has-text('Revoke')", "/account?done=revoked");
        Assert.Contains("revoked", await page.TextContentAsync("#tokens tbody") ?? "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/dicom-web/studies")).StatusCode);

        // 5. Not one CSP violation or script error on the way.
        Assert.Empty(pageErrors);
        Assert.DoesNotContain(console, m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.StartsWith("CSP violation", StringComparison.Ordinal));
        // ...and the listener would have seen one: an inline script is blocked and reported.
        var violation = await page.RunAndWaitForConsoleMessageAsync(
            () => page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }"),
            new PageRunAndWaitForConsoleMessageOptions { Predicate = m => m.Text.StartsWith("CSP violation: script-src", StringComparison.Ordinal), Timeout = 10_000 });
        Assert.StartsWith("CSP violation: script-src", violation.Text, StringComparison.Ordinal);
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.inlineRan"));
    }
}
