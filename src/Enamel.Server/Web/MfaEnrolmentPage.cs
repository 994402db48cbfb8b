using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// POST /account/mfa/start: a new TOTP secret, kept on the server (sealed, in the database) for this session for ten minutes, shown as a QR code
/// (PNG data URI: the CSP allows img-src data:) and as text. POST /account/mfa/confirm: a valid code from the app turns
/// it on (audited MfaEnrol by <see cref="UserAccounts.EnrolTotpAsync"/>) and the recovery codes are shown, once.
/// POST /account/mfa/replace: the same, for a user who proves their current second factor (new phone); confirming replaces
/// the secret and the recovery codes.
/// </summary>
internal static class MfaEnrolmentPage
{
    public static async Task<IResult> StartAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var session = post.Session;
        if (session.User.TotpSecret is not null)
            return await AccountPage.RenderAsync(http, web, session, null, "Two-factor sign-in is already on.", StatusCodes.Status409Conflict);
        return await BeginAsync(http, web, session, replaces: false);
    }

    /// <summary>POST /account/mfa/replace: with a current code (or a recovery code) the user sets up a new authenticator; the old one works until the new one is confirmed.</summary>
    public static async Task<IResult> ReplaceAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        if (session.User.TotpSecret is null)
            return await AccountPage.RenderAsync(http, web, session, null, "Two-factor sign-in is off: set it up instead.", StatusCodes.Status409Conflict);
        var code = form["code"].ToString().Trim();
        if (code.Length is 0 or > 40 || !await web.SignIn.ConfirmSecondFactorAsync(session.User, code, WebSession.Source(http), http.RequestAborted))
            return await AccountPage.RenderAsync(http, web, session, null, "That code is not right (wrong, already used, or the account is locked for a while).", StatusCodes.Status400BadRequest);
        return await BeginAsync(http, web, session, replaces: true);
    }

    private static async Task<IResult> BeginAsync(HttpContext http, WebPages web, WebSession session, bool replaces)
    {
        var enrolment = new MfaEnrolment(TotpAuthenticator.NewSecret(), replaces);
        await web.Enrolments.PutAsync(SecretToken.Hash(session.Token), enrolment, web.Time.GetUtcNow() + MfaEnrolment.Lifetime, http.RequestAborted);
        return Render(web, session, enrolment, error: null);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var key = SecretToken.Hash(session.Token);
        if (await web.Enrolments.PeekAsync(key, http.RequestAborted) is not { } enrolment || (session.User.TotpSecret is not null && !enrolment.Replaces))
            return await AccountPage.RenderAsync(http, web, session, null, "That set-up expired or is already done: start again.", StatusCodes.Status400BadRequest);
        var code = form["code"].ToString();
        var recovery = code.Length > 20 ? null : await web.Accounts.EnrolTotpAsync(session.User, enrolment.Secret, code, http.RequestAborted);
        if (recovery is null) return Render(web, session, enrolment, "That code is not right: check the phone's clock and try the next code.", StatusCodes.Status400BadRequest);
        await web.Enrolments.RemoveAsync(key, http.RequestAborted);
        var items = Html.Join(recovery.Select(c => Html.Of($"<li><code>{c}</code></li>")));
        return WebPage.Render("Two-factor sign-in is on", Html.Of($"""
            <p>Keep these recovery codes somewhere safe (printed, or in a password manager). Each works once instead of a code
            from the app. <strong>They are shown only now.</strong></p>
            <ol id="recovery-codes">{items}</ol>
            <p><a href="/account">Back to your account</a></p>
            """), header: session.Header(web.Csrf));
    }

    private static IResult Render(WebPages web, WebSession session, MfaEnrolment enrolment, string? error, int status = StatusCodes.Status200OK)
    {
        var uri = TotpAuthenticator.Uri("Enamel", session.User.UserName, enrolment.Secret);
        var qr = "data:image/png;base64," + Convert.ToBase64String(TotpAuthenticator.QrPng(uri));
        return WebPage.Render("Set up two-factor sign-in", Html.Of($"""
            {WebPage.Error(error)}
            <ol>
            <li>Scan this code with an authenticator app (or enter the key below by hand).<br>
            <img id="totp-qr" src="{qr}" alt="QR code for your authenticator app" width="232" height="232"></li>
            <li>Key: <code id="totp-secret">{TotpAuthenticator.SecretText(enrolment.Secret)}</code> <button type="button" data-copy="#totp-secret">Copy</button></li>
            <li>Enter the 6-digit code the app shows:
            <form method="post" action="/account/mfa/confirm" class="stack">
            {WebPage.CsrfField(web.Csrf.TokenFor(session.CsrfBinding))}
            <input name="code" autocomplete="one-time-code" inputmode="numeric" required maxlength="20" autofocus>
            <button type="submit">Turn on</button>
            </form></li>
            </ol>
            <p><a href="/account">Cancel</a></p>
            """), status, session.Header(web.Csrf));
    }
}
