using System.Text.Encodings.Web;
using System.Text.Unicode;
using Enamel.Core.Accounts;
using Enamel.Server.Access;
using Enamel.Server.Features.Accounts;
using Enamel.Server.Features.Home;
using Enamel.Server.Features.Chart;
using Enamel.Server.Features.Patients;
using Enamel.Server.Features.Viewer;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// The server's own pages: /signin, /signout, /home, /account, /patients (Features/Patients), /language and /static (and / redirecting to /home or
/// /signin). Razor components rendered on the server (<see cref="WebPage"/>, inside <see cref="Shell"/>), returned by
/// these endpoints, each with its access marker; every state-changing form carries a CSRF token (<see cref="Csrf"/>);
/// password-checking posts are rate-limited per address (<see cref="SignInRateLimit"/>). Features add their own pages
/// from <c>Features/&lt;Domain&gt;/</c> (an <c>AddX</c> and a <c>MapX</c> called here).
/// </summary>
internal static class WebEndpoints
{
    /// <param name="csrfKey">The key CSRF tokens are derived from (the master key: tokens survive restarts and work across nodes).</param>
    public static IServiceCollection AddWebPages(this IServiceCollection services, EnamelOptions options, byte[] csrfKey)
    {
        services.AddSingleton(new Csrf(csrfKey));
        services.AddSingleton<WebPages>();
        SignInRateLimit.Add(services, options);
        // Static server rendering only: no interactive render modes, no blazor.web.js, no MapRazorComponents routing.
        services.AddRazorComponents();
        services.AddLocalization();
        // Chinese text goes out as text, not as numeric character references (still encoded: < > & " ').
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        services.AddNavEntry(new NavEntry(AccountPage.Path, "Nav.Account", 90));
        services.AddHome();
        services.AddPatientPages();
        services.AddChartPages();
        services.AddViewerPages();
        return services;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.UseRateLimiter();
        // Public: the pages before there is a session (sign-in, its second step, the forced password change), the language
        // switch (a cookie, CSRF-checked) and the assets.
        app.MapGet("/", async (HttpContext http, WebPages web) =>
            WebPage.SeeOther(await WebSession.FindAsync(http, web.Sessions) is null ? "/signin" : HomeFeature.Path)).Public();
        app.MapGet("/signin", SignInPage.Get).Public();
        app.MapPost("/signin", SignInPage.PostAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet("/signin/code", SignInPage.GetCodeAsync).Public();
        app.MapPost("/signin/code", SignInPage.PostCodeAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet(PasswordPage.ForcedPath, PasswordPage.GetForcedAsync).Public();
        app.MapPost(PasswordPage.ForcedPath, PasswordPage.PostForcedAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost(LanguageEndpoint.Path, LanguageEndpoint.PostAsync).Public();
        app.MapGet("/static/{name}", (string name) => StaticAssets.Get(name)).Public();
        // Signed in: the account's own pages (the handlers also insist on a session cookie, not an API token).
        app.MapPost("/signout", SignOutEndpoints.SignOutAsync).SignedIn();
        app.MapPost("/signout/everywhere", SignOutEndpoints.EverywhereAsync).SignedIn();
        app.MapPost("/account/sessions/end", SignOutEndpoints.EndOtherAsync).SignedIn();
        app.MapGet(AccountPage.Path, AccountPage.GetAsync).SignedIn().AsPage();
        app.MapGet(PasswordPage.Path, PasswordPage.GetAsync).SignedIn().AsPage();
        app.MapPost(PasswordPage.Path, PasswordPage.PostAsync).SignedIn().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/mfa/start", MfaEnrolmentPage.StartAsync).SignedIn();
        app.MapPost("/account/mfa/confirm", MfaEnrolmentPage.ConfirmAsync).SignedIn();
        app.MapPost("/account/mfa/replace", MfaEnrolmentPage.ReplaceAsync).SignedIn().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/tokens", TokenEndpoints.CreateAsync).SignedIn();
        app.MapPost("/account/tokens/revoke", TokenEndpoints.RevokeAsync).SignedIn();
        app.MapHome();
        app.MapPatientPages();
        app.MapChartPages();
        app.MapViewerPages();
        return app;
    }

    /// <summary>
    /// Runs before the access gate: a browser (Accept: text/html) opening a page (<see cref="PageEndpoint"/>) without a live
    /// session is sent to /signin (coming back afterwards) instead of getting the gate's 401 problem document. Scripts still get 401.
    /// </summary>
    public static async Task SendBrowsersToSignIn(HttpContext http, Func<Task> next)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<PageEndpoint>() is not null
            && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && request.Headers.Authorization.Count == 0
            && await WebSession.FindAsync(http, http.RequestServices.GetRequiredService<Sessions>()) is null)
        {
            await WebPage.SeeOther("/signin?return=" + Uri.EscapeDataString(LocalPath.OrDefault(request.Path + request.QueryString))).ExecuteAsync(http);
            return;
        }
        await next();
    }
}
