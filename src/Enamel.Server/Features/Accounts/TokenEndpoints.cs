using System.Globalization;
using Enamel.Core.Access;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

/// <summary>
/// POST /account/tokens creates an API token scoped to operations the user's roles permit (checked here, again, on the
/// server) and shows the secret once; POST /account/tokens/revoke revokes one of the user's own tokens. Both audited by
/// <see cref="Core.Accounts.ApiTokens"/> (TokenCreate, TokenRevoke), never with the secret.
/// </summary>
internal static class TokenEndpoints
{
    public static async Task<IResult> CreateAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var ct = http.RequestAborted;

        var name = form["name"].ToString().Trim();
        var permitted = (await web.PermittedOperationsAsync(session.User, ct)).ToHashSet();
        var scope = new HashSet<Operation>();
        foreach (var text in form["scope"])
        {
            if (text is null || !Operation.TryParse(text, out var op) || !permitted.Contains(op.Value))
                return await AccountPage.RenderAsync(http, web, session, null, new Message("Tokens.OutsideRoles"), StatusCodes.Status400BadRequest);
            scope.Add(op.Value);
        }
        int maxDays = (int)web.AccountOptions.MaxTokenLifetime.TotalDays;
        bool daysOk = int.TryParse(form["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days >= 1 && days <= maxDays;
        Message? problem = name.Length is 0 or > 100 ? new Message("Tokens.NameNeeded")
            : scope.Count == 0 ? new Message("Tokens.ScopeNeeded")
            : !daysOk ? new Message("Tokens.Lifetime", maxDays) : null;
        if (problem is not null) return await AccountPage.RenderAsync(http, web, session, null, problem, StatusCodes.Status400BadRequest);

        var (secret, token) = await web.Tokens.CreateAsync(session.User, name, scope, TimeSpan.FromDays(days), ct);
        var shown = new TokenCreatedView.Content(token.Name, [.. scope.Select(o => o.ToString()).Order(StringComparer.Ordinal)], token.Expires, secret);
        return WebPage.Render<TokenCreatedView>(shown, session, returnPath: AccountPage.Path);
    }

    public static async Task<IResult> RevokeAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var id = form["id"].ToString();
        // Only the user's own tokens: another user's token id is "not found", not revoked.
        if (!(await web.TokenStore.ListForUserAsync(session.User.Id, http.RequestAborted)).Any(t => t.Id == id))
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Tokens.NoSuchToken"), StatusCodes.Status404NotFound);
        await web.Tokens.RevokeAsync(id, session.User.Id, http.RequestAborted);
        return WebPage.SeeOther("/account?done=revoked");
    }
}
