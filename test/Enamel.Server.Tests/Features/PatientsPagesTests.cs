using System.Net;
using System.Text.RegularExpressions;
using Enamel.Core.Access;
using Enamel.Server.Tests.Web;
using WebClient = Enamel.Server.Tests.Web.WebClient;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// The staff pages for patients over HTTP as a browser uses them (session cookie, CSRF token from the form): a receptionist
/// registers through the form and lands on the record, finds it by name, Chinese name and chart number; a refused form
/// comes back with everything typed; amendments are versioned and a stale one is refused; roles and clinics are kept apart.
/// </summary>
public sealed partial class PatientsPagesTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private const string Password = "a long enough password";

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    /// <summary>Letters only (a name token the search can match by prefix).</summary>
    private static string UniqueName() => "Zq" + new string([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + c % 26))]);

    private async Task<WebClient> SignedInAsync(string role, string? clinic = null)
    {
        var name = role + "-" + Guid.NewGuid().ToString("N")[..8];
        if (clinic is null) await server.CreateUserAsync(name, Password, role);
        else
        {
            var accounts = server.Accounts();
            var (user, _) = await accounts.CreateAsync(name, "Staff " + name, [role], new HashSet<string> { clinic }, "test", default);
            await accounts.SetPasswordAsync(user, Password, default);
        }
        var client = server.Client();
        var (signedIn, _) = await client.SignInAsync(name, Password, "/home");
        WebClient.AssertSeeOther(signedIn, "/home");
        Assert.NotNull(client.Session);
        return client;
    }

    private static (string, string)[] Registration(string family, string chart, params (string, string)[] more) =>
    [
        ("family", family), ("given", "Tai Man"), ("birth-date", "1980-02-14"), ("sex", "M"), ("chart", chart),
        ("phone", "+852 9123 4567"), ("email", "tm@example.org"), ("address", "1 Nathan Road\nKowloon"), ("language", "zh-Hant"), ("reason", "first visit"), .. more,
    ];

    private static async Task<long> RegisterAsync(WebClient client, params (string, string)[] fields)
    {
        var (response, body) = await client.SubmitAsync("/patients/new", "/patients/new", fields);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"registration answered {(int)response.StatusCode}:\n{body}");
        var location = WebClient.Location(response)!;
        Assert.Matches("^/patients/[0-9]+$", location);
        return long.Parse(location["/patients/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Field(string html, string id) =>
        FieldPattern().Matches(html).FirstOrDefault(m => m.Groups["id"].Value == id) is { } m ? WebUtility.HtmlDecode(m.Groups["value"].Value)
            : throw new InvalidOperationException($"no input #{id} with a value on the page");

    [GeneratedRegex("<input id=\"(?<id>[a-z-]+)\"[^>]*? value=\"(?<value>[^\"]*)\"")]
    private static partial Regex FieldPattern();

    [Fact]
    public async Task Receptionist_RegistersThroughTheForm_LandsOnTheRecord_AndFindsItByNameAndChartNumber()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var (form, formPage) = await desk.GetAsync("/patients/new");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<option value=\"main\" selected", formPage, StringComparison.Ordinal); // the only clinic, chosen
        Assert.Contains("<label for=\"hkid\">", formPage, StringComparison.Ordinal);

        var family = UniqueName();
        var chart = Unique("PG-");
        long key = await RegisterAsync(desk, Registration(family, chart));

        var (record, page) = await desk.GetAsync($"/patients/{key}");
        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        Assert.Contains($"{family}, Tai Man", page, StringComparison.Ordinal);
        Assert.Contains("1980-02-14", page, StringComparison.Ordinal);
        Assert.Contains($"<code>{chart}</code>", page, StringComparison.Ordinal);
        Assert.Contains("9123 4567", page, StringComparison.Ordinal); // (the + goes out as a character reference)
        Assert.Contains("first visit", page, StringComparison.Ordinal); // the history: version 1 and its reason
        Assert.Contains("<dd id=\"version\">1</dd>", page, StringComparison.Ordinal);

        var (byName, names) = await desk.GetAsync("/patients?q=" + family.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Contains($"href=\"/patients/{key}\"", names, StringComparison.Ordinal);
        var (byChart, charts) = await desk.GetAsync("/patients?q=" + Uri.EscapeDataString(chart));
        Assert.Equal(HttpStatusCode.OK, byChart.StatusCode);
        Assert.Contains($"href=\"/patients/{key}\"", charts, StringComparison.Ordinal);
        Assert.Contains(chart, charts, StringComparison.Ordinal);

        // A dentist of the clinic finds and opens the record too (but is not offered the registration).
        using var dentist = await SignedInAsync(RoleTable.Dentist);
        var (found, dentistResults) = await dentist.GetAsync("/patients?q=" + Uri.EscapeDataString(chart));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains($"href=\"/patients/{key}\"", dentistResults, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/patients/new\"", dentistResults, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await dentist.GetAsync($"/patients/{key}")).Response.StatusCode);

        // An empty search shows the box only.
        var (empty, emptyPage) = await desk.GetAsync("/patients?q=");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("role=\"search\"", emptyPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", emptyPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChineseName_IsRegistered_AndFoundByItsCharacters()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        long key = await RegisterAsync(desk, Registration(UniqueName(), Unique("ZH-"), ("ideo-family", "陳"), ("ideo-given", "大文"), ("phon-family", "Chan"), ("phon-given", "Daai Man")));
        var (_, page) = await desk.GetAsync($"/patients/{key}");
        Assert.Contains("陳大文", page, StringComparison.Ordinal); // as text, not character references
        var (found, results) = await desk.GetAsync("/patients?q=" + Uri.EscapeDataString("陳大"));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Contains($"href=\"/patients/{key}\"", results, StringComparison.Ordinal);
        Assert.Contains("(陳大文)", results, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-Hant", "未儲存：香港身份證號碼：須為一至兩個字母", "病歷號碼：最多 64 個字元")]
    [InlineData("zh-Hans", "未保存：香港身份证号码：须为一至两个字母", "病历号：最多 64 个字符")]
    public async Task AVerbsRefusal_IsShownInThePagesLanguage(string language, string hkid, string chartTooLong)
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        desk.Cookies[Enamel.Server.Web.Language.Cookie] = language;
        var (bad, body) = await desk.SubmitAsync("/patients/new", "/patients/new", Registration(UniqueName(), Unique("LANG-"), ("hkid", "A123456(4)")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains(hkid, body, StringComparison.Ordinal);
        Assert.DoesNotContain("expected one or two letters", body, StringComparison.Ordinal);
        // An argument of the refusal (the identifier's name) is translated too.
        var (_, longChart) = await desk.SubmitAsync("/patients/new", "/patients/new", Registration(UniqueName(), new string('9', 65)));
        Assert.Contains(chartTooLong, longChart, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidHkid_ShowsTheFormAgain_WithEverythingTypedKept()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var family = UniqueName();
        var chart = Unique("BAD-");
        var (response, body) = await desk.SubmitAsync("/patients/new", "/patients/new",
            Registration(family, chart, ("hkid", "A123456(4)"), ("ideo-family", "陳"), ("patient-id", "PID-7"), ("patient-id-issuer", "SENSOR")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("role=\"alert\"", body, StringComparison.Ordinal);
        Assert.Contains("HKID", body, StringComparison.Ordinal);
        Assert.Equal(family, Field(body, "family"));
        Assert.Equal("Tai Man", Field(body, "given"));
        Assert.Equal("陳", Field(body, "ideo-family"));
        Assert.Equal("1980-02-14", Field(body, "birth-date"));
        Assert.Equal(chart, Field(body, "chart"));
        Assert.Equal("PID-7", Field(body, "patient-id"));
        Assert.Equal("SENSOR", Field(body, "patient-id-issuer"));
        Assert.Equal("A123456(4)", Field(body, "hkid"));
        Assert.Equal("+852 9123 4567", Field(body, "phone"));
        Assert.Equal("first visit", Field(body, "reason"));
        Assert.Contains("<option value=\"M\" selected", body, StringComparison.Ordinal);
        Assert.Contains("<option value=\"zh-Hant\" lang=\"zh-Hant\" selected", body, StringComparison.Ordinal);
        Assert.Matches("1 Nathan Road(\n|&#xA;)Kowloon</textarea>", body);
        // Nothing was registered.
        var (_, results) = await desk.GetAsync("/patients?q=" + Uri.EscapeDataString(chart));
        Assert.DoesNotContain("href=\"/patients/", results.Replace("href=\"/patients/new\"", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Neither chart number nor Patient ID: refused, and the identifier taken by another patient is a conflict.
        var (none, _) = await desk.SubmitAsync("/patients/new", "/patients/new", Registration(family, ""));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        await RegisterAsync(desk, Registration(family, chart));
        var (taken, takenPage) = await desk.SubmitAsync("/patients/new", "/patients/new", Registration(UniqueName(), chart));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(chart, Field(takenPage, "chart"));
    }

    [Fact]
    public async Task Amending_RecordsAVersion_AndAStaleFormIsRefused_KeepingWhatWasTyped()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var family = UniqueName();
        long key = await RegisterAsync(desk, Registration(family, Unique("AM-")));
        var (edit, editPage) = await desk.GetAsync($"/patients/{key}/edit");
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal(family, Field(editPage, "family"));
        Assert.Contains("name=\"version\" value=\"1\"", editPage, StringComparison.Ordinal);

        (string, string)[] amended = [("version", "1"), ("family", family), ("given", "Tai Ming"), ("birth-date", "1980-02-15"), ("sex", "M"), ("phone", "+852 9123 0000"), ("reason", "typo in given name")];
        var (done, _) = await desk.SubmitAsync($"/patients/{key}/edit", $"/patients/{key}/edit", amended);
        WebClient.AssertSeeOther(done, $"/patients/{key}?done=amended");
        var (_, record) = await desk.GetAsync($"/patients/{key}?done=amended");
        Assert.Contains("<dd id=\"version\">2</dd>", record, StringComparison.Ordinal);
        Assert.Contains($"{family}, Tai Ming", record, StringComparison.Ordinal);
        Assert.Contains("typo in given name", record, StringComparison.Ordinal);
        Assert.Contains("first visit", record, StringComparison.Ordinal); // version 1 stays in the history
        Assert.Contains("1980-02-15", record, StringComparison.Ordinal);

        // The same form again (version 1 read): the record changed meanwhile.
        var (stale, stalePage) = await desk.SubmitAsync($"/patients/{key}/edit", $"/patients/{key}/edit",
            [("version", "1"), ("family", family), ("given", "Tai Wing"), ("reason", "second try")]);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("role=\"alert\"", stalePage, StringComparison.Ordinal);
        Assert.Equal("Tai Wing", Field(stalePage, "given"));
        Assert.Equal("second try", Field(stalePage, "reason"));

        // A reason is required.
        var (noReason, _) = await desk.SubmitAsync($"/patients/{key}/edit", $"/patients/{key}/edit", [("version", "2"), ("family", family), ("given", "Tai Ming")]);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
    }

    [Theory]
    [InlineData(RoleTable.Dentist)]
    [InlineData(RoleTable.Hygienist)]
    public async Task StaffWithoutDemographicsCreate_AreRefusedTheRegistration(string role)
    {
        using var staff = await SignedInAsync(role);
        var (_, home) = await staff.GetAsync("/home");
        var fields = Registration(UniqueName(), Unique("NO-")).Select(f => KeyValuePair.Create(f.Item1, f.Item2)).Append(KeyValuePair.Create("csrf", WebClient.CsrfToken(home)));
        var (response, body) = await staff.PostAsync("/patients/new", fields);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal); // a page, in the shell
        Assert.Contains("<h1>Not permitted</h1>", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/patients/new")).Response.StatusCode);
    }

    [Fact]
    public async Task AnotherClinicsStaff_GetNotFound_AndDoNotFindThePatient()
    {
        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var chart = Unique("CL-");
        long key = await RegisterAsync(desk, Registration(UniqueName(), chart));

        using var north = await SignedInAsync(RoleTable.Dentist, clinic: "north");
        var (record, body) = await north.GetAsync($"/patients/{key}");
        Assert.Equal(HttpStatusCode.NotFound, record.StatusCode);
        Assert.Contains("<h1>Not found</h1>", body, StringComparison.Ordinal);
        Assert.DoesNotContain(chart, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/patients/{key}/edit")).Response.StatusCode);
        var (_, results) = await north.GetAsync("/patients?q=" + Uri.EscapeDataString(chart));
        Assert.DoesNotContain($"href=\"/patients/{key}\"", results, StringComparison.Ordinal);
        // An unknown key answers the same.
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync("/patients/999999999")).Response.StatusCode);
    }

    [Fact]
    public async Task WithoutASession_ThePagesSendToSignIn_AndAFormWithoutItsTokenIsRefused()
    {
        using var anonymous = server.Client();
        var (response, _) = await anonymous.GetAsync("/patients?q=chan");
        WebClient.AssertSeeOther(response, "/signin?return=" + Uri.EscapeDataString("/patients?q=chan"));

        using var desk = await SignedInAsync(RoleTable.Receptionist);
        var chart = Unique("CS-");
        var (forged, _) = await desk.PostAsync("/patients/new", Registration(UniqueName(), chart).Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var (_, results) = await desk.GetAsync("/patients?q=" + Uri.EscapeDataString(chart));
        Assert.DoesNotContain("<table", results, StringComparison.Ordinal);
    }
}
