using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Microsoft.Playwright;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// Every page of the web shell in Debian's headless Chromium, checked with axe-core (Deque.AxeCore.Playwright: no serious
/// or critical violation), with any CSP violation, console error or script error failing the test: sign-in, its TOTP
/// step and the forced password change, home for each role, the account page, two-factor enrolment and its recovery
/// codes; sign-in and home in all three languages; keyboard use; the language switcher without JavaScript.
/// </summary>
public sealed class BrowserPagesTests(WebServerFixture server, ChromiumFixture chromium) : IClassFixture<WebServerFixture>, IClassFixture<ChromiumFixture>
{
    private const string Password = "a long enough password";

    private string Url(string path) => server.BaseAddress.ToString().TrimEnd('/') + path;

    private static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task SignInAsync(CheckedPage page, string userName, string password, string landsOn = "/home")
    {
        await page.GotoAsync(Url("/signin"));
        await page.Page.FillAsync("#username", userName);
        await page.Page.FillAsync("#password", password);
        await page.ClickThenAsync("main button[type=submit]", landsOn);
    }

    [Theory]
    [InlineData("en-US", "en", "Sign in", "Home")]
    [InlineData("zh-TW", "zh-Hant", "登入", "首頁")]
    [InlineData("zh-HK", "zh-Hant", "登入", "首頁")]
    [InlineData("zh-CN", "zh-Hans", "登录", "首页")]
    public async Task SignInAndHome_InTheBrowsersLanguage_AreClean(string locale, string lang, string signInHeading, string homeHeading)
    {
        var user = await server.CreateUserAsync(NewName("lang"), Password, RoleTable.Receptionist);
        await using var page = await chromium.NewPageAsync(locale);
        await page.GotoAsync(Url("/signin"));
        Assert.Equal(signInHeading, await page.Page.TextContentAsync("h1"));
        await page.AssertCleanAsync("sign-in", lang);
        // A wrong password: the error, announced, in the same language.
        await page.Page.FillAsync("#username", user.UserName);
        await page.Page.FillAsync("#password", "not the password");
        await page.ClickThenAsync("main button[type=submit]", "/signin");
        Assert.True(await page.Page.IsVisibleAsync("p.error[role=alert]"));
        page.Problems.RemoveAll(p => p.Contains("401", StringComparison.Ordinal)); // the browser logs the 401 status of the answer itself
        await page.AssertCleanAsync("sign-in failure", lang);

        await SignInAsync(page, user.UserName, Password);
        Assert.Equal(homeHeading, await page.Page.TextContentAsync("h1"));
        await page.AssertCleanAsync("home", lang);
    }

    /// <summary>What each role is shown comes from the role table through the policy: staff who reach patients get the search; those who may register get the link.</summary>
    [Theory]
    [InlineData(RoleTable.Receptionist, true, true)]
    [InlineData(RoleTable.Dentist, true, false)]
    [InlineData(RoleTable.Billing, true, false)]
    [InlineData(RoleTable.Admin, false, false)]
    [InlineData(RoleTable.PrivacyOfficer, true, false)]
    [InlineData(RoleTable.ExternalRecipient, false, false)]
    public async Task Home_ShowsEachRoleOnlyWhatItMayOpen(string role, bool search, bool register)
    {
        var user = await server.CreateUserAsync(NewName(role), Password, role);
        await using var page = await chromium.NewPageAsync();
        await SignInAsync(page, user.UserName, Password);
        Assert.Equal(search, await page.Page.IsVisibleAsync("form[role=search][action='/patients'] input#q[name=q]"));
        Assert.Equal(search, await page.Page.Locator("header nav a[href='/patients']").CountAsync() == 1);
        Assert.Equal(register, await page.Page.IsVisibleAsync("a#register-patient[href='/patients/new']"));
        Assert.True(await page.Page.IsVisibleAsync("a#account-link[href='/account']"));
        Assert.True(await page.Page.IsVisibleAsync("header nav a[href='/account']"));
        Assert.Equal("page", await page.Page.GetAttributeAsync("header nav a[href='/home']", "aria-current"));
        await page.AssertCleanAsync("home of " + role, "en");

        if (search)
        {
            // The form is a plain GET to the patient search, with the words typed as q (the search page belongs to the patients feature).
            await page.Page.FillAsync("#q", "Chan Tai Man");
            var request = page.Page.WaitForRequestAsync(r => r.Url.Contains("/patients?", StringComparison.Ordinal));
            await page.Page.PressAsync("#q", "Enter");
            Assert.EndsWith("/patients?q=Chan+Tai+Man", (await request).Url, StringComparison.Ordinal);
        }
    }

    /// <summary>A valid HKID (letter A, six random digits, the check digit) that no other test uses.</summary>
    private static string NewHkid()
    {
        var digits = Random.Shared.Next(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        int sum = 36 * 9 + 10 * 8 + digits.Select((c, i) => (c - '0') * (7 - i)).Sum();
        int check = (11 - sum % 11) % 11;
        return $"A{digits}({(check == 10 ? "A" : check.ToString(System.Globalization.CultureInfo.InvariantCulture))})";
    }

    /// <summary>The patient pages (registration, the record, the search, amendment) in English and in Hong Kong Chinese.</summary>
    [Theory]
    [InlineData("en-US", "en", "Register a patient")]
    [InlineData("zh-HK", "zh-Hant", "登記病人")]
    public async Task PatientPages_RegisterFindAndAmend_AreClean(string locale, string lang, string registerHeading)
    {
        var user = await server.CreateUserAsync(NewName("desk"), Password, RoleTable.Receptionist);
        await using var page = await chromium.NewPageAsync(locale);
        await SignInAsync(page, user.UserName, Password);
        await page.ClickThenAsync("a#register-patient", "/patients/new");
        Assert.Equal(registerHeading, await page.Page.TextContentAsync("h1"));
        await page.AssertCleanAsync("registration", lang);

        // A refused form (a wrong HKID check digit) comes back with what was typed, and is clean too.
        var chart = NewName("BR").ToUpperInvariant();
        await page.Page.FillAsync("#family", "Chan");
        await page.Page.FillAsync("#given", "Tai Man");
        await page.Page.FillAsync("#ideo-family", "陳");
        await page.Page.FillAsync("#ideo-given", "大文");
        await page.Page.FillAsync("#birth-date", "1980-02-14");
        await page.Page.SelectOptionAsync("#sex", "M");
        await page.Page.FillAsync("#chart", chart);
        await page.Page.FillAsync("#hkid", "A123456(4)");
        await page.Page.FillAsync("#phone", "91234567");
        await page.Page.SelectOptionAsync("#language", "zh-Hant");
        await page.ClickThenAsync("main form button[type=submit]", "/patients/new");
        Assert.True(await page.Page.IsVisibleAsync("p.error[role=alert]"));
        Assert.Equal("陳", await page.Page.InputValueAsync("#ideo-family"));
        page.Problems.RemoveAll(p => p.Contains("400", StringComparison.Ordinal)); // the browser logs the status of the answer itself
        await page.AssertCleanAsync("registration refused", lang);

        await page.Page.FillAsync("#hkid", NewHkid()); // each run its own: an identifier belongs to one patient
        await page.NavigateByAsync(() => page.Page.PressAsync("#reason", "Enter"), "", "pressing Enter in the form");
        Assert.Matches("/patients/[0-9]+$", new Uri(page.Page.Url).AbsolutePath);
        Assert.Equal("Chan, Tai Man (陳大文)", await page.Page.TextContentAsync("h1"));
        await page.AssertCleanAsync("patient record", lang);

        await page.ClickThenAsync("a#amend", "/edit");
        await page.AssertCleanAsync("amendment", lang);
        await page.Page.FillAsync("#given", "Tai Ming");
        await page.Page.FillAsync("#reason", "typo");
        await page.ClickThenAsync("main form button[type=submit]", "?done=amended");
        Assert.Equal("2", await page.Page.TextContentAsync("#version"));
        await page.AssertCleanAsync("amended record", lang);

        await page.ClickThenAsync("header nav a[href='/patients']", "/patients");
        await page.Page.FillAsync("#q", "陳大");
        await page.NavigateByAsync(() => page.Page.PressAsync("#q", "Enter"), "/patients?q=" + Uri.EscapeDataString("陳大"), "searching");
        Assert.True(await page.Page.Locator("table a.patient").CountAsync() >= 1);
        await page.AssertCleanAsync("search results", lang);
    }

    [Fact]
    public async Task SignInSteps_Account_AndTwoFactorEnrolment_AreClean_AndUsableByKeyboard()
    {
        var (created, oneTime) = await server.Accounts().CreateAsync(NewName("steps"), "Dr Steps", [RoleTable.Dentist], new HashSet<string> { "main" }, "test", default);
        Assert.NotNull(oneTime);
        await using var page = await chromium.NewPageAsync("zh-TW");
        var keyboard = page.Page.Keyboard;

        // Sign in by keyboard alone. The user name has the focus; going back past the three language buttons reaches
        // the skip link, which is then shown and outlined.
        await page.GotoAsync(Url("/signin"));
        Assert.Equal("username", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        for (int i = 0; i < 4; i++) await keyboard.PressAsync("Shift+Tab");
        Assert.Equal("skip", await page.Page.EvaluateAsync<string>("() => document.activeElement.className"));
        Assert.NotEqual("none", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await keyboard.PressAsync("Enter"); // follow the skip link to the content
        await keyboard.PressAsync("Tab");
        Assert.Equal("username", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        await keyboard.TypeAsync(created.UserName);
        await keyboard.PressAsync("Tab");
        Assert.Equal("password", await page.Page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.NotEqual("none", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await keyboard.TypeAsync(oneTime);
        await page.NavigateByAsync(() => keyboard.PressAsync("Enter"), "/signin/password", "pressing Enter");
        await page.AssertCleanAsync("forced password change", "zh-Hant");

        await page.Page.FillAsync("#new", Password);
        await page.Page.FillAsync("#confirm", Password);
        await page.ClickThenAsync("main button[type=submit]", "/home");
        await page.ClickThenAsync("header nav a[href='/account']", "/account");
        await page.AssertCleanAsync("account", "zh-Hant");

        // Two-factor enrolment, in English this time (the switcher, keyboard only).
        await page.Page.FocusAsync("header form.language button[value=en]");
        await page.NavigateByAsync(() => keyboard.PressAsync("Enter"), "/account", "switching to English");
        Assert.Equal("en", await page.Page.GetAttributeAsync("html", "lang"));
        await page.ClickThenAsync("text=Set up two-factor sign-in", "/account/mfa/start");
        await page.AssertCleanAsync("two-factor enrolment", "en");
        var secret = OtpNet.Base32Encoding.ToBytes((await page.Page.TextContentAsync("#totp-secret"))!.Trim());
        var totp = new TotpAuthenticator(TimeProvider.System);
        await page.Page.FillAsync("#code", totp.Compute(secret));
        await page.ClickThenAsync("main button[type=submit]", "/account/mfa/confirm");
        Assert.Equal(10, await page.Page.Locator("#recovery-codes li").CountAsync());
        await page.AssertCleanAsync("recovery codes", "en");

        // The second step of signing in.
        await page.ClickThenAsync("header button:has-text('Sign out')", "/signin");
        await page.Page.FillAsync("#username", created.UserName);
        await page.Page.FillAsync("#password", Password);
        await page.ClickThenAsync("main button[type=submit]", "/signin/code");
        await page.AssertCleanAsync("second step", "en");
        await page.Page.FillAsync("#code", totp.Compute(secret, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.ClickThenAsync("main button[type=submit]", "/home");

        // The signed-in password page on its own.
        await page.GotoAsync(Url("/account/password"));
        await page.AssertCleanAsync("password change", "en");
    }

    /// <summary>
    /// The pages' own script (/static/enamel.js) is blocked: the switcher is a plain form. (Playwright's checks need script
    /// in the browser itself, so the page's script is refused at the network instead of turning scripting off.)
    /// </summary>
    [Fact]
    public async Task LanguageSwitcher_WorksWithoutThePagesScript()
    {
        var user = await server.CreateUserAsync(NewName("nojs"), Password, RoleTable.Hygienist);
        await using var page = await chromium.NewPageAsync("en-US");
        int blocked = 0;
        await page.Page.RouteAsync("**/static/enamel.js", route => { blocked++; return route.AbortAsync(); });
        await page.GotoAsync(Url("/signin"));
        await page.ClickThenAsync("header form.language button[value=zh-Hans]", "/signin");
        Assert.Equal("zh-Hans", await page.Page.GetAttributeAsync("html", "lang"));
        Assert.Equal("登录", await page.Page.TextContentAsync("h1"));
        Assert.Equal("true", await page.Page.GetAttributeAsync("header form.language button[value=zh-Hans]", "aria-current"));
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "__Host-enamel-lang" && c.Value == "zh-Hans" && c.HttpOnly && c.Secure);

        await SignInAsync(page, user.UserName, Password);
        Assert.Equal("首页", await page.Page.TextContentAsync("h1"));
        await page.ClickThenAsync("header form.language button[value=zh-Hant]", "/home");
        Assert.Equal("首頁", await page.Page.TextContentAsync("h1"));
        Assert.True(blocked >= 4, $"the page's script was requested {blocked} times: was it blocked at all?");
        page.Problems.RemoveAll(p => p.Contains("net::ERR_FAILED", StringComparison.Ordinal)); // the blocked script itself
        await page.AssertCleanAsync("home after switching", "zh-Hant");
    }
}
