using System.Net;
using Enamel.Core.Access;
using Microsoft.Playwright;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// The patient chart in Debian's headless Chromium with axe-core (no serious or critical violation, no CSP violation, no
/// console or script error): a dentist opens the chart, records a high-criticality allergy (the ALERT then heads every
/// clinical screen), reaches a tooth of the odontogram and records a planned procedure on it by keyboard alone, gets a
/// refused form back with the error next to its field, and records and signs a note; in English and Hong Kong Chinese.
/// </summary>
public sealed class ChartBrowserTests(WebServerFixture server, ChromiumFixture chromium) : IClassFixture<WebServerFixture>, IClassFixture<ChromiumFixture>
{
    private const string Password = "a long enough password";

    private string Url(string path) => server.BaseAddress.ToString().TrimEnd('/') + path;

    private static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<long> RegisterAsync()
    {
        var desk = await server.CreateUserAsync(NewName("desk"), Password, RoleTable.Receptionist);
        using var client = server.Client();
        await client.SignInAsync(desk.UserName, Password, "/home");
        var (response, body) = await client.SubmitAsync("/patients/new", "/patients/new", ("family", "Lam"), ("given", "Ka Yan"), ("birth-date", "1990-09-09"),
            ("sex", "F"), ("chart", NewName("CB").ToUpperInvariant()), ("reason", "first visit"));
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"registration answered {(int)response.StatusCode}:\n{body}");
        return long.Parse(WebClient.Location(response)!["/patients/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("en-US", "en", "ALERT", "Tooth 16: planned")]
    [InlineData("zh-HK", "zh-Hant", "警示", "牙齒 16：計劃中")]
    public async Task TheChart_WithTheOdontogramAndTheAllergyAlert_IsCleanAndUsableByKeyboard(string locale, string lang, string alert, string tooth16)
    {
        long patient = await RegisterAsync();
        var dentist = await server.CreateUserAsync(NewName("dentist"), Password, RoleTable.Dentist);
        await using var page = await chromium.NewPageAsync(locale);
        await page.GotoAsync(Url("/signin"));
        await page.Page.FillAsync("#username", dentist.UserName);
        await page.Page.FillAsync("#password", Password);
        await page.ClickThenAsync("main button[type=submit]", "/home");

        var chart = $"/patients/{patient}/chart";
        await page.GotoAsync(Url($"/patients/{patient}"));
        await page.ClickThenAsync("a#chart", chart);
        Assert.Equal(52, await page.Page.Locator(".odontogram li.tooth a").CountAsync());
        await page.AssertCleanAsync("empty chart", lang);

        // A high-criticality allergy, through its form.
        await page.ClickThenAsync("a#new-allergy", chart + "/allergy/new");
        await page.AssertCleanAsync("allergy form", lang);
        await page.Page.FillAsync("#substance", "Penicillin");
        await page.Page.SelectOptionAsync("#criticality", "high");
        await page.Page.SelectOptionAsync("#allergy-category", "medication");
        await page.Page.FillAsync("#reaction", "anaphylaxis");
        await page.NavigateByAsync(() => page.Page.PressAsync("#reason", "Enter"), "?done=recorded", "pressing Enter in the allergy form");
        Assert.True(await page.Page.IsVisibleAsync("#allergy-alerts[role=alert]"));
        Assert.Contains(alert, await page.Page.TextContentAsync("#allergy-alerts") ?? "", StringComparison.Ordinal);
        await page.AssertCleanAsync("allergy entry", lang);

        // Tooth 16 of the odontogram by keyboard: focus it, Enter, then the link to record a procedure on it.
        await page.ClickThenAsync("a#chart-link", chart);
        var keyboard = page.Page.Keyboard;
        await page.Page.FocusAsync(".odontogram a[href$='?tooth=15#treatment']");
        await keyboard.PressAsync("Shift+Tab");
        Assert.Equal("16", await page.Page.EvaluateAsync<string>("() => document.activeElement.getAttribute('href').split('tooth=')[1].slice(0, 2)"));
        await page.NavigateByAsync(() => keyboard.PressAsync("Enter"), "?tooth=16", "opening tooth 16");
        await page.Page.FocusAsync("a#new-procedure");
        await page.NavigateByAsync(() => keyboard.PressAsync("Enter"), "/procedure/new?tooth=16", "recording a procedure on tooth 16");
        Assert.Equal("16", await page.Page.InputValueAsync("#tooth"));
        Assert.True(await page.Page.IsVisibleAsync("#allergy-alerts"));

        // A wrong surface: the form comes back with the error next to the field and everything typed.
        await page.Page.FillAsync("#procedure", "Crown");
        await page.Page.FillAsync("#surfaces", "XZ");
        await page.NavigateByAsync(() => page.Page.PressAsync("#surfaces", "Enter"), "/procedure/new", "submitting a wrong surface");
        Assert.True(await page.Page.IsVisibleAsync("p.error[role=alert]"));
        Assert.True(await page.Page.IsVisibleAsync("#surfaces-error"));
        Assert.Equal("true", await page.Page.GetAttributeAsync("#surfaces", "aria-invalid"));
        Assert.Equal("Crown", await page.Page.InputValueAsync("#procedure"));
        page.Problems.RemoveAll(p => p.Contains("400", StringComparison.Ordinal)); // the browser logs the status of the answer itself
        await page.AssertCleanAsync("refused procedure form", lang);
        await page.Page.FillAsync("#surfaces", "MOD");
        await page.NavigateByAsync(() => page.Page.PressAsync("#surfaces", "Enter"), "?done=recorded", "recording the procedure");

        await page.GotoAsync(Url(chart));
        // The tooth says what is planned in words (its letter is hidden from screen readers: the name is the text).
        Assert.True(await page.Page.GetByRole(AriaRole.Link, new() { Name = tooth16, Exact = true }).CountAsync() == 1,
            "the planned tooth's link is named " + await page.Page.Locator(".odontogram li.has-planned").AriaSnapshotAsync());
        Assert.Equal(1, await page.Page.Locator(".odontogram li.has-planned").CountAsync());
        Assert.True(await page.Page.IsVisibleAsync("#allergy-alerts"));
        await page.AssertCleanAsync("chart with the odontogram and the alert", lang);

        // A note, signed.
        await page.ClickThenAsync("a#new-note", chart + "/note/new");
        await page.Page.FillAsync("#title", "Exam");
        await page.Page.FillAsync("#text", "Caries 16 MOD.\nCrown planned.");
        await page.ClickThenAsync("main form button[type=submit]", "?done=recorded");
        await page.ClickThenAsync("button#sign", "?done=signed");
        Assert.True(await page.Page.IsVisibleAsync("#signature"));
        Assert.True(await page.Page.IsVisibleAsync("#add-addendum"));
        await page.AssertCleanAsync("signed note", lang);
    }
}
