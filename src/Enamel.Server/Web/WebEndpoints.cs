using Enamel.Core.Accounts;
using Enamel.Server.Access;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// The server's own pages: /signin, /signout, /account and /static (and / redirecting to one of them). Server-rendered
/// HTML, every value HTML-encoded (<see cref="Html"/>); every state-changing form carries a CSRF token (<see cref="Csrf"/>);
/// password-checking posts are rate-limited per address (<see cref="SignInRateLimit"/>).
/// </summary>
internal static class WebEndpoints
{
    public static IServiceCollection AddWebPages(this IServiceCollection services, EnamelOptions options, DataFolder folder)
    {
        var s = folder.Security;
        var accountOptions = new AccountOptions();
        var hasher = new PasswordHasher();
        services.AddSingleton(sp => new WebPages(s.Users, sp.GetRequiredService<Sessions>(),
            new SignIn(s.Users, sp.GetRequiredService<Sessions>(), hasher, folder.Secrets, s.Audit, accountOptions, sp.GetRequiredService<TimeProvider>()),
            new SignOut(sp.GetRequiredService<Sessions>(), s.Audit, sp.GetRequiredService<TimeProvider>()),
            new UserAccounts(s.Users, s.Roles, hasher, folder.Secrets, s.Changes, sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ApiTokens>(), s.Tokens, s.Roles, hasher, new Csrf(folder.Master.Current), accountOptions,
            s.PendingSteps, folder.Secrets, sp.GetRequiredService<TimeProvider>()));
        SignInRateLimit.Add(services, options);
        return services;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.UseRateLimiter();
        // Public: the pages before there is a session (sign-in, its second step, the forced password change) and the assets.
        app.MapGet("/", async (HttpContext http, WebPages web) =>
            WebPage.SeeOther(await WebSession.FindAsync(http, web.Sessions) is null ? "/signin" : AccountPage.Path)).Public();
        app.MapGet("/signin", SignInPage.Get).Public();
        app.MapPost("/signin", SignInPage.PostAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet("/signin/code", SignInPage.GetCodeAsync).Public();
        app.MapPost("/signin/code", SignInPage.PostCodeAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet(PasswordPage.ForcedPath, PasswordPage.GetForcedAsync).Public();
        app.MapPost(PasswordPage.ForcedPath, PasswordPage.PostForcedAsync).Public().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet("/static/{name}", (string name) => StaticAssets.Get(name)).Public();
        // Signed in: the account's own pages (the handlers also insist on a session cookie, not an API token).
        app.MapPost("/signout", SignOutEndpoints.SignOutAsync).SignedIn();
        app.MapPost("/signout/everywhere", SignOutEndpoints.EverywhereAsync).SignedIn();
        app.MapPost("/account/sessions/end", SignOutEndpoints.EndOtherAsync).SignedIn();
        app.MapGet(AccountPage.Path, AccountPage.GetAsync).SignedIn();
        app.MapGet(PasswordPage.Path, PasswordPage.GetAsync).SignedIn();
        app.MapPost(PasswordPage.Path, PasswordPage.PostAsync).SignedIn().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/mfa/start", MfaEnrolmentPage.StartAsync).SignedIn();
        app.MapPost("/account/mfa/confirm", MfaEnrolmentPage.ConfirmAsync).SignedIn();
        app.MapPost("/account/mfa/replace", MfaEnrolmentPage.ReplaceAsync).SignedIn().RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/tokens", TokenEndpoints.CreateAsync).SignedIn();
        app.MapPost("/account/tokens/revoke", TokenEndpoints.RevokeAsync).SignedIn();
        return app;
    }

    /// <summary>
    /// Runs before the access gate: a browser (Accept: text/html) opening an account page without a live session is
    /// sent to /signin (coming back afterwards) instead of getting the gate's 401 problem document. Scripts still get 401.
    /// </summary>
    public static async Task SendBrowsersToSignIn(HttpContext http, Func<Task> next)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(AccountPage.Path)
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
