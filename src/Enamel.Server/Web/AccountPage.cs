using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// GET /account: who you are, password change, two-factor sign-in, your active sessions (this one marked; any other
/// can be ended) with sign-out-everywhere, and your API tokens (create, revoke).
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
            "password" => "Your password was changed; every other session of yours has ended.",
            "revoked" => "The token was revoked.",
            "session" => "That session has ended: the browser that held it has to sign in again.",
            _ => null,
        };
        return await RenderAsync(http, web, session, notice, error: null);
    }

    public static async Task<IResult> RenderAsync(HttpContext http, WebPages web, WebSession session, string? notice, string? error,
        int status = StatusCodes.Status200OK)
    {
        var ct = http.RequestAborted;
        var user = session.User;
        var token = web.Csrf.TokenFor(session.CsrfBinding);
        var currentHash = SecretToken.Hash(session.Token);
        var sessions = await web.Sessions.ListAsync(user.Id, ct);
        var tokens = await web.TokenStore.ListForUserAsync(user.Id, ct);
        var now = web.Time.GetUtcNow();

        var sessionRows = Html.Join(sessions.Select(s => Html.Of($"""
            <tr{(s.IdHash == currentHash ? Html.Of($" class=\"current\"") : Html.Empty)} data-session="{s.Reference}"><td>{Html.Time(s.Created)}</td><td>{Html.Time(s.LastSeen)}</td><td>{s.Source}</td>
            <td>{(s.IdHash == currentHash ? Html.Of($"this browser") : Html.Of($"""<form method="post" action="/account/sessions/end" class="inline">{WebPage.CsrfField(token)}<input type="hidden" name="session" value="{s.Reference}"><button type="submit" data-confirm="End this session? That browser will have to sign in again.">End</button></form>"""))}</td></tr>
            """)));
        var tokenRows = Html.Join(tokens.OrderByDescending(t => t.Created).Select(t => Html.Of($"""
            <tr data-token-id="{t.Id}"><td>{t.Name}</td><td>{string.Join(", ", t.Scope.Select(o => o.ToString()).Order(StringComparer.Ordinal))}</td><td>{Html.Time(t.Created)}</td><td>{Html.Time(t.Expires)}</td>
            <td>{(t.Revoked is { } r ? "revoked " + Html.Time(r) : now >= t.Expires ? "expired" : "active")}</td>
            <td>{Html.When(t.Revoked is null && now < t.Expires, $"""<form method="post" action="/account/tokens/revoke" class="inline">{WebPage.CsrfField(token)}<input type="hidden" name="id" value="{t.Id}"><button type="submit" data-confirm="Revoke this token? Scripts using it stop working.">Revoke</button></form>""")}</td></tr>
            """)));
        var scopes = Html.Join((await web.PermittedOperationsAsync(user, ct)).Select(o => Html.Of($"""
            <label class="check"><input type="checkbox" name="scope" value="{o.ToString()}"> {o.ToString()}</label>
            """)));
        int maxDays = (int)web.AccountOptions.MaxTokenLifetime.TotalDays, defaultDays = (int)web.AccountOptions.DefaultTokenLifetime.TotalDays;

        var body = Html.Of($"""
            {WebPage.Notice(notice)}{WebPage.Error(error)}
            <section>
            <h2>You</h2>
            <dl>
            <dt>Name</dt><dd id="display-name">{user.DisplayName}</dd>
            <dt>User name</dt><dd id="user-name">{user.UserName}</dd>
            <dt>Roles</dt><dd>{string.Join(", ", user.Roles)}</dd>
            <dt>Clinics</dt><dd>{string.Join(", ", user.Clinics.Order(StringComparer.Ordinal))}</dd>
            </dl>
            </section>
            <section>
            <h2>Password</h2>
            {PasswordPage.Form(web, session, error: null)}
            </section>
            <section>
            <h2>Two-factor sign-in</h2>
            {(user.TotpSecret is not null
                ? Html.Of($"""
                    <p id="mfa-on">On: signing in asks for a code from your authenticator app. Lost the phone and the recovery codes? An administrator can reset it (<code>enamel users reset-mfa</code>).</p>
                    <form method="post" action="/account/mfa/replace" class="stack">{WebPage.CsrfField(token)}
                    <label>New phone? Enter a code from the current app (or a recovery code) <input name="code" autocomplete="one-time-code" required maxlength="40"></label>
                    <button type="submit">Replace authenticator</button></form>
                    """)
                : Html.Of($"""
                    <p id="mfa-off">Off. Turn it on to protect this account with a code from an authenticator app.</p>
                    <form method="post" action="/account/mfa/start">{WebPage.CsrfField(token)}<button type="submit">Set up two-factor sign-in</button></form>
                    """))}
            </section>
            <section>
            <h2>Your sessions</h2>
            <table id="sessions"><thead><tr><th>signed in</th><th>last seen</th><th>from</th><th></th></tr></thead><tbody>{sessionRows}</tbody></table>
            <form method="post" action="/signout/everywhere">{WebPage.CsrfField(token)}<button type="submit" data-confirm="Sign out on every device, this one included?">Sign out everywhere</button></form>
            </section>
            <section>
            <h2>API tokens</h2>
            <table id="tokens"><thead><tr><th>name</th><th>scope</th><th>created</th><th>expires</th><th>status</th><th></th></tr></thead><tbody>{tokenRows}</tbody></table>
            <h3>New token</h3>
            <form method="post" action="/account/tokens" class="stack">
            {WebPage.CsrfField(token)}
            <label>Name <input name="name" required maxlength="100"></label>
            <fieldset><legend>May be used for (within what your roles permit)</legend>{scopes}</fieldset>
            <label>Lifetime in days (1 to {maxDays}) <input name="days" type="number" min="1" max="{maxDays}" value="{defaultDays}" required></label>
            <button type="submit">Create token</button>
            </form>
            </section>
            """);
        return WebPage.Render("Your account", body, status, session.Header(web.Csrf));
    }
}
