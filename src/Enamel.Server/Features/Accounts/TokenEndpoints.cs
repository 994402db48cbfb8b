using System.Globalization;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Errors;
using Enamel.Server.Hosting;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

/// <summary>
/// POST /account/tokens creates an API token for the signed-in user and shows the secret once; POST /account/tokens/revoke
/// revokes one of the user's own tokens. Both are Core's verbs (<see cref="IssueApiToken"/>: the scope must be within what
/// the user's roles permit; <see cref="RevokeApiToken"/>: another account's token is "not found"), the same the CLI calls;
/// they decide and audit (TokenCreate, TokenRevoke, never with the secret). This page only reads the form and shows the answer.
/// </summary>
internal static class TokenEndpoints
{
    public static async Task<IResult> CreateAsync(HttpContext http, WebPages web, IssueApiToken issue, EnamelOptions options)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var ct = http.RequestAborted;

        var name = form["name"].ToString().Trim();
        var scope = new HashSet<Operation>();
        foreach (var text in form["scope"])
        {
            if (text is null || !Operation.TryParse(text, out var op))
                return await AccountPage.RenderAsync(http, web, session, null, new Message("Tokens.OutsideRoles"), StatusCodes.Status400BadRequest);
            scope.Add(op.Value);
        }
        int maxDays = (int)web.AccountOptions.MaxTokenLifetime.TotalDays;
        bool daysOk = int.TryParse(form["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days >= 1 && days <= maxDays;
        Message? problem = name.Length is 0 or > 100 ? new Message("Tokens.NameNeeded")
            : scope.Count == 0 ? new Message("Tokens.ScopeNeeded")
            : !daysOk ? new Message("Tokens.Lifetime", maxDays) : null;
        if (problem is not null) return await AccountPage.RenderAsync(http, web, session, null, problem, StatusCodes.Status400BadRequest);

        string secret;
        ApiTokenRecord token;
        try
        {
            (secret, token) = await issue.ExecuteAsync(session.User.ToActor(WebSession.Source(http)), options.Clinic, session.User.UserName, name, scope,
                TimeSpan.FromDays(days), decided: null, ct);
        }
        catch (InvalidInputException)
        {
            // The form offers only what the roles permit: anything else was crafted (or the roles changed meanwhile).
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Tokens.OutsideRoles"), StatusCodes.Status400BadRequest);
        }
        var shown = new TokenCreatedView.Content(token.Name, [.. scope.Select(o => o.ToString()).Order(StringComparer.Ordinal)], token.Expires, secret);
        return WebPage.Render<TokenCreatedView>(shown, session, returnPath: AccountPage.Path);
    }

    public static async Task<IResult> RevokeAsync(HttpContext http, WebPages web, RevokeApiToken revoke, EnamelOptions options)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var id = form["id"].ToString();
        try
        {
            await revoke.ExecuteAsync(session.User.ToActor(WebSession.Source(http)), options.Clinic, id, decided: null, http.RequestAborted);
        }
        catch (NotFoundException)
        {
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Tokens.NoSuchToken"), StatusCodes.Status404NotFound);
        }
        return WebPage.SeeOther("/account?done=revoked");
    }
}
