using Enamel.Core.Accounts;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

/// <summary>
/// GET /account: who you are, password change, two-factor sign-in, your active sessions (this one marked; any other
/// can be ended) with sign-out-everywhere, and your API tokens (create, revoke). Rendered by <see cref="AccountView"/>.
/// </summary>
internal static class AccountPage
{
    public const string Path = "/account";

    public static async Task<IResult> GetAsync(HttpContext http, WebPages web)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, Path);
        if (session is null) return redirect!;
        var notice = http.Request.Query["done"].ToString() switch
        {
            "password" => new Message("Account.DonePassword"),
            "revoked" => new Message("Account.DoneRevoked"),
            "session" => new Message("Account.DoneSession"),
            _ => null,
        };
        return await RenderAsync(http, web, session, notice, error: null);
    }

    public static async Task<IResult> RenderAsync(HttpContext http, WebPages web, WebSession session, Message? notice, Message? error,
        int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        var user = session.User;
        var currentHash = SecretToken.Hash(session.Token);
        var now = web.Time.GetUtcNow();
        var sessions = (await web.Sessions.ListAsync(user.Id, ct))
            .Select(s => new AccountView.SessionRow(s.Reference, s.Created, s.LastSeen, s.Source, s.IdHash == currentHash)).ToList();
        var tokens = (await web.TokenStore.ListForUserAsync(user.Id, ct)).OrderByDescending(t => t.Created)
            .Select(t => new AccountView.TokenRow(t.Id, t.Name, t.Scope, t.Created, t.Expires, t.Revoked, t.Revoked is null && now < t.Expires)).ToList();
        var scopes = await web.PermittedOperationsAsync(user, ct);
        int maxDays = (int)web.AccountOptions.MaxTokenLifetime.TotalDays, defaultDays = (int)web.AccountOptions.DefaultTokenLifetime.TotalDays;
        return WebPage.Render<AccountView>(new AccountView.Content(user, sessions, tokens, scopes, maxDays, defaultDays, notice, error), session, status, Path);
    }
}
