using Enamel.Core.Accounts;
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
            new UserAccounts(s.Users, s.Sessions, s.Roles, hasher, folder.Secrets, s.Audit, sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ApiTokens>(), s.Tokens, s.Roles, hasher, new Csrf(folder.Master.Current), accountOptions, sp.GetRequiredService<TimeProvider>()));
        SignInRateLimit.Add(services, options);
        return services;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGet("/", async (HttpContext http, WebPages web) =>
            WebPage.SeeOther(await WebSession.FindAsync(http, web.Sessions) is null ? "/signin" : AccountPage.Path));
        app.MapGet("/signin", SignInPage.Get);
        app.MapPost("/signin", SignInPage.PostAsync).RequireRateLimiting(SignInRateLimit.Policy);
        app.MapGet("/signin/code", SignInPage.GetCode);
        app.MapPost("/signin/code", SignInPage.PostCodeAsync).RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/signout", SignOutEndpoints.SignOutAsync);
        app.MapPost("/signout/everywhere", SignOutEndpoints.EverywhereAsync);
        app.MapGet(AccountPage.Path, AccountPage.GetAsync);
        app.MapGet(PasswordPage.Path, PasswordPage.GetAsync);
        app.MapPost(PasswordPage.Path, PasswordPage.PostAsync).RequireRateLimiting(SignInRateLimit.Policy);
        app.MapPost("/account/mfa/start", MfaEnrolmentPage.StartAsync);
        app.MapPost("/account/mfa/confirm", MfaEnrolmentPage.ConfirmAsync);
        app.MapPost("/account/tokens", TokenEndpoints.CreateAsync);
        app.MapPost("/account/tokens/revoke", TokenEndpoints.RevokeAsync);
        app.MapGet("/static/{name}", (string name) => StaticAssets.Get(name));
        return app;
    }
}
