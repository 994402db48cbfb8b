using System.Globalization;
using Enamel.Core.Access;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

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
                return await AccountPage.RenderAsync(http, web, session, null, "A token can only be scoped to operations your roles permit.", StatusCodes.Status400BadRequest);
            scope.Add(op.Value);
        }
        int maxDays = (int)web.AccountOptions.MaxTokenLifetime.TotalDays;
        bool daysOk = int.TryParse(form["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days >= 1 && days <= maxDays;
        string? problem = name.Length is 0 or > 100 ? "Give the token a name (up to 100 characters)."
            : scope.Count == 0 ? "Choose at least one operation."
            : !daysOk ? $"The lifetime is 1 to {maxDays} days." : null;
        if (problem is not null) return await AccountPage.RenderAsync(http, web, session, null, problem, StatusCodes.Status400BadRequest);

        var (secret, token) = await web.Tokens.CreateAsync(session.User, name, scope, TimeSpan.FromDays(days), ct);
        return WebPage.Render("Token created", Html.Of($"""
            <p>The token <strong>{token.Name}</strong> ({string.Join(", ", scope.Select(o => o.ToString()).Order(StringComparer.Ordinal))}), valid until {Html.Time(token.Expires)}:</p>
            <p><code id="new-token">{secret}</code> <button type="button" data-copy="#new-token">Copy</button></p>
            <p><strong>It is shown only now</strong>: copy it into the program that needs it. Send it as <code>Authorization: Bearer …</code>.</p>
            <p><a href="/account">Back to your account</a></p>
            """), header: session.Header(web.Csrf));
    }

    public static async Task<IResult> RevokeAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var id = form["id"].ToString();
        // Only the user's own tokens: another user's token id is "not found", not revoked.
        if (!(await web.TokenStore.ListForUserAsync(session.User.Id, http.RequestAborted)).Any(t => t.Id == id))
            return await AccountPage.RenderAsync(http, web, session, null, "No such token.", StatusCodes.Status404NotFound);
        await web.Tokens.RevokeAsync(id, session.User.Id, http.RequestAborted);
        return WebPage.SeeOther("/account?done=revoked");
    }
}
