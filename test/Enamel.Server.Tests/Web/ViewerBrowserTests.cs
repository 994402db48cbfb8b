using System.Net;
using System.Net.Http.Headers;
using Enamel.Core.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// The viewer in Debian's headless Chromium with axe-core: a dentist opens CT_small (Pixel Spacing 0.661468 mm), shows it
/// at 1:1 with its key, picks the length tool with its key and draws 60 × 80 screen pixels with the mouse: the list reads
/// 66.1 mm, calibrated by Pixel Spacing. A window/level drag changes the pixels (on the renderer the browser has, and on
/// the CPU lookup table); the measurement is saved with its key and comes back after a reload; no CSP violation, no
/// console or script error, no serious or critical axe violation, in English and Hong Kong Chinese.
/// </summary>
public sealed class ViewerBrowserTests(WebServerFixture server, ChromiumFixture chromium, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<WebServerFixture>, IClassFixture<ChromiumFixture>
{
    private const string Password = "a long enough password";
    private const string Study = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string Series = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private const string Sop = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";

    private string Url(string path) => server.BaseAddress.ToString().TrimEnd('/') + path;

    private static string NewName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task StoreCtAsync()
    {
        var user = await server.CreateUserAsync(NewName("stow"), Password, RoleTable.Dentist);
        var tokens = server.Services.GetRequiredService<Enamel.Core.Accounts.ApiTokens>();
        var (secret, _) = await tokens.CreateAsync(user, "test", new HashSet<Operation> { Operation.Parse("Imaging:Create"), Operation.Parse("Imaging:Read") }, TimeSpan.FromHours(1), default);
        var thumbprint = server.Folder.Certificate.Thumbprint;
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.Thumbprint == thumbprint })
        { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(ServerFixture.Sample("CT_small.dcm")));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(part);
        var response = await client.PostAsync("/dicom-web/studies", content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static string ViewerPath(string extra = "") => $"/viewer?study={Study}&series={Series}&instance={Sop}{extra}";

    private static Task ReadyAsync(CheckedPage page) =>
        page.Page.WaitForSelectorAsync("#viewer[data-state=ready], #viewer[data-state=failed]", new() { Timeout = 45_000 });

    private static async Task<byte[]> CanvasAsync(CheckedPage page)
    {
        // The next animation frame has drawn whatever the last input asked for.
        await page.Page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        return await page.Page.Locator("#viewer-stage").ScreenshotAsync();
    }

    private static async Task DragAsync(IPage page, float x0, float y0, float x1, float y1)
    {
        await page.Mouse.MoveAsync(x0, y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x1, y1, new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }

    [Theory]
    [InlineData("en-US", "en", "66.1 mm", "Pixel Spacing")]
    [InlineData("zh-HK", "zh-Hant", "66.1 mm", "像素間距")]
    public async Task ALengthDrawnWithTheMouse_ReadsMillimetres_AndWindowLevelChangesThePixels(string locale, string lang, string mm, string calibrated)
    {
        await StoreCtAsync();
        var dentist = await server.CreateUserAsync(NewName("dentist"), Password, RoleTable.Dentist);
        await using var page = await chromium.NewPageAsync(locale);
        await page.GotoAsync(Url("/signin"));
        await page.Page.FillAsync("#username", dentist.UserName);
        await page.Page.FillAsync("#password", Password);
        await page.ClickThenAsync("main button[type=submit]", "/home");

        await page.GotoAsync(Url(ViewerPath()));
        await ReadyAsync(page);
        Assert.True(page.Problems.Count == 0, string.Join("\n", page.Problems) + await page.Page.TextContentAsync("#viewer-error"));
        Assert.Contains(calibrated, await page.Page.TextContentAsync("#viewer-calibration") ?? "", StringComparison.Ordinal);
        var renderer = await page.Page.GetAttributeAsync("#viewer", "data-renderer");
        Assert.Contains(renderer, new[] { "gl", "cpu" });
        output.WriteLine($"renderer in this Chromium: {renderer}; first pixels {await page.Page.GetAttributeAsync("#viewer", "data-first-pixels-ms")} ms");
        await page.AssertCleanAsync("viewer", lang);

        // 1:1 and the length tool, by their keys; then 60 × 80 screen pixels = 100 image pixels × 0.661468 mm.
        await page.Page.FocusAsync("#viewer-canvas");
        await page.Page.Keyboard.PressAsync("1");
        await page.Page.Keyboard.PressAsync("l");
        Assert.Equal("true", await page.Page.GetAttributeAsync("#tool-length", "aria-pressed"));
        Assert.Equal("L", await page.Page.GetAttributeAsync("#tool-length", "aria-keyshortcuts"));
        // Another case of this class may have saved annotations on the same image already: count from here.
        int saved = await page.Page.Locator("#viewer-measurements li").CountAsync();
        var box = (await page.Page.Locator("#viewer-canvas").BoundingBoxAsync())!;
        float cx = box.X + box.Width / 2, cy = box.Y + box.Height / 2;
        await DragAsync(page.Page, cx - 30, cy - 40, cx + 30, cy + 40);
        await page.Page.WaitForSelectorAsync($"#viewer-measurements li:nth-child({saved + 1})");
        var measured = await page.Page.Locator("#viewer-measurements li").Last.TextContentAsync() ?? "";
        Assert.Contains(mm, measured, StringComparison.Ordinal);
        Assert.Contains(calibrated, measured, StringComparison.Ordinal);

        // An arrow (X) and a text (T: the point on the image, the words in the form, Enter adds them).
        await page.Page.Keyboard.PressAsync("x");
        await DragAsync(page.Page, cx + 80, cy - 60, cx + 40, cy - 20);
        await page.Page.Keyboard.PressAsync("t");
        await page.Page.Mouse.ClickAsync(cx - 60, cy + 50);
        await page.Page.WaitForSelectorAsync("#viewer-text:focus");
        await page.Page.Keyboard.TypeAsync("bone loss 36");
        await page.Page.Keyboard.PressAsync("Enter");
        Assert.Equal(saved + 3, await page.Page.Locator("#viewer-measurements li").CountAsync());
        Assert.Contains("bone loss 36", await page.Page.TextContentAsync("#viewer-measurements") ?? "", StringComparison.Ordinal);
        await page.AssertCleanAsync("viewer with annotations", lang);
        box = (await page.Page.Locator("#viewer-canvas").BoundingBoxAsync())!; // the text form showed above the image and went
        cx = box.X + box.Width / 2;
        cy = box.Y + box.Height / 2;

        // The probe reads the stored and the modality value under the cursor.
        await page.Page.Mouse.MoveAsync(cx, cy);
        Assert.Matches(@"\(\d+, \d+\) .+ -?\d+ · .+ -?\d+", await page.Page.TextContentAsync("#viewer-probe") ?? "");

        // Window/level by drag changes the pixels.
        await page.Page.Keyboard.PressAsync("w");
        var window = await page.Page.GetAttributeAsync("#viewer", "data-window");
        var before = await CanvasAsync(page);
        await DragAsync(page.Page, cx, cy, cx + 120, cy + 60);
        Assert.NotEqual(window, await page.Page.GetAttributeAsync("#viewer", "data-window"));
        Assert.NotEqual(before, await CanvasAsync(page));

        // Saved with its key; back after a reload.
        await page.Page.Keyboard.PressAsync("s");
        await page.Page.WaitForSelectorAsync("#viewer[data-saved]");
        await page.GotoAsync(Url(ViewerPath()));
        await ReadyAsync(page);
        Assert.Contains(mm, await page.Page.TextContentAsync("#viewer-measurements") ?? "", StringComparison.Ordinal);
        Assert.Contains("bone loss 36", await page.Page.TextContentAsync("#viewer-measurements") ?? "", StringComparison.Ordinal);
        await page.AssertCleanAsync("viewer with a saved measurement", lang);

        // The CPU lookup table: W/L changes the pixels there too.
        await page.GotoAsync(Url(ViewerPath("&renderer=cpu")));
        await ReadyAsync(page);
        Assert.Equal("cpu", await page.Page.GetAttributeAsync("#viewer", "data-renderer"));
        await page.Page.FocusAsync("#viewer-canvas");
        await page.Page.Keyboard.PressAsync("w");
        before = await CanvasAsync(page);
        await DragAsync(page.Page, cx, cy, cx - 100, cy - 60);
        Assert.NotEqual(before, await CanvasAsync(page));
        await page.AssertCleanAsync("viewer on the CPU", lang);
    }

    [Fact]
    public async Task ThePage_IsDecidedLikeARetrieve_AndBadParametersAreAClear400()
    {
        await StoreCtAsync();
        var desk = await server.CreateUserAsync(NewName("desk"), Password, RoleTable.Receptionist);
        using (var client = server.Client())
        {
            await client.SignInAsync(desk.UserName, Password, "/home");
            var (refused, _) = await client.GetAsync(ViewerPath(), r => r.Headers.Accept.ParseAdd("text/html"));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        var dentist = await server.CreateUserAsync(NewName("dentist"), Password, RoleTable.Dentist);
        using var dr = server.Client();
        await dr.SignInAsync(dentist.UserName, Password, "/home");
        var (ok, page) = await dr.GetAsync(ViewerPath(), r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains($"data-instance=\"{Sop}\"", page, StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/static/viewer.js\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        var (badFrame, badFrameBody) = await dr.GetAsync(ViewerPath("&frame=0"), r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal(HttpStatusCode.BadRequest, badFrame.StatusCode);
        Assert.Contains("frame must be a number from 1", badFrameBody, StringComparison.Ordinal);
        var (otherStudy, _) = await dr.GetAsync($"/viewer?study=1.2.3&series={Series}&instance={Sop}", r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal(HttpStatusCode.NotFound, otherStudy.StatusCode);
        var (badUid, _) = await dr.GetAsync($"/viewer?study=x&series={Series}&instance={Sop}", r => r.Headers.Accept.ParseAdd("text/html"));
        Assert.Equal(HttpStatusCode.BadRequest, badUid.StatusCode);
        var (script, body) = await dr.GetAsync("/static/viewer.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("webgl2", body, StringComparison.Ordinal);
    }
}
