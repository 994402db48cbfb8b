using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// Debian's headless Chromium (/usr/bin/chromium) driven by Playwright, shared by a test class; no browser is ever
/// downloaded. If Chromium cannot start, the tests that use it fail and say so: they never skip.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}: apt-get install chromium (.ci/run installs it). These tests need a real browser.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (own cookies) with one page that records CSP violations, console errors and script errors.</summary>
    public async Task<CheckedPage> NewPageAsync(string locale = "en-US")
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, Locale = locale });
        context.SetDefaultTimeout(45_000); // the suite shares two cores between browsers and servers
        // Init scripts run outside the page's CSP: every violation is reported to the console, where it is collected.
        await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));");
        var page = await context.NewPageAsync();
        var result = new CheckedPage(context, page);
        page.Console += (_, m) => { if (m.Type is "error" || m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) result.Problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => result.Problems.Add("script error: " + e);
        page.Dialog += (_, d) => d.AcceptAsync();
        return result;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

/// <summary>One page of a browser context, with what went wrong on it so far.</summary>
public sealed class CheckedPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;
    public IBrowserContext Context => context;
    public List<string> Problems { get; } = [];

    /// <summary>Opens <paramref name="url"/> and waits for it (and its stylesheet and script) to load.</summary>
    public async Task GotoAsync(string url)
    {
        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is not null && response.Ok, $"{url} answered {response?.Status}");
    }

    /// <summary>Clicks, then waits for the page the click leads to (failing with what the browser shows instead).</summary>
    public Task ClickThenAsync(string selector, string pathEnd) => NavigateByAsync(() => page.ClickAsync(selector), pathEnd, "clicking " + selector);

    /// <summary>
    /// Runs <paramref name="action"/> and waits until the main frame has navigated (also to the same URL, as a form that
    /// answers with itself does) and loaded, then checks that the page is at <paramref name="pathEnd"/>.
    /// </summary>
    public async Task NavigateByAsync(Func<Task> action, string pathEnd, string what)
    {
        var navigated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame) navigated.TrySetResult();
        }
        page.FrameNavigated += OnNavigated;
        try
        {
            await action();
            // Generous bounds: during the suite the browser, the server and other test servers share two cores, and a
            // password step hashes with Argon2. A navigation event that raced the subscription still counts when the
            // page is already at the expected path and loaded.
            try
            {
                await navigated.Task.WaitAsync(TimeSpan.FromSeconds(45));
            }
            catch (TimeoutException) when (AtPath(pathEnd))
            {
                if (await page.EvaluateAsync<string>("() => document.readyState") != "complete") throw;
            }
            await page.WaitForLoadStateAsync(LoadState.Load, new PageWaitForLoadStateOptions { Timeout = 45_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"after {what} the browser did not load a page; it is at {page.Url}");
        }
        finally
        {
            page.FrameNavigated -= OnNavigated;
        }
        Assert.True(AtPath(pathEnd),
            $"after {what} the browser is at {page.Url}, not …{pathEnd}:\n{await page.ContentAsync()}");
    }

    private bool AtPath(string pathEnd) => new Uri(page.Url).PathAndQuery.EndsWith(pathEnd, StringComparison.Ordinal);

    /// <summary>
    /// The page as it stands: no serious or critical axe-core violation, no CSP violation, no console or script error,
    /// the stylesheet applied, and <c>&lt;html lang&gt;</c> = <paramref name="lang"/>.
    /// </summary>
    public async Task AssertCleanAsync(string what, string lang)
    {
        Assert.Equal(lang, await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("flex", await page.EvalOnSelectorAsync<string>("header", "h => getComputedStyle(h).display")); // /static/enamel.css applied
        var axe = await page.RunAxe();
        var bad = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(bad.Count == 0, $"{what} ({lang}) has accessibility violations:\n{string.Join("\n", bad)}");
        Assert.True(Problems.Count == 0, $"{what} ({lang}): {string.Join("\n", Problems)}");
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
