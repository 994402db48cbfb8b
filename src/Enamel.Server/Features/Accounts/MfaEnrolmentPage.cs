using Enamel.Core.Accounts;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

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
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Mfa.AlreadyOn"), StatusCodes.Status409Conflict);
        return await BeginAsync(http, web, session, replaces: false);
    }

    /// <summary>POST /account/mfa/replace: with a current code (or a recovery code) the user sets up a new authenticator; the old one works until the new one is confirmed.</summary>
    public static async Task<IResult> ReplaceAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        if (session.User.TotpSecret is null)
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Mfa.Off"), StatusCodes.Status409Conflict);
        var code = form["code"].ToString().Trim();
        if (code.Length is 0 or > 40 || !await web.SignIn.ConfirmSecondFactorAsync(session.User, code, WebSession.Source(http), http.RequestAborted))
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Mfa.ReplaceCodeWrong"), StatusCodes.Status400BadRequest);
        return await BeginAsync(http, web, session, replaces: true);
    }

    private static async Task<IResult> BeginAsync(HttpContext http, WebPages web, WebSession session, bool replaces)
    {
        var enrolment = new MfaEnrolment(TotpAuthenticator.NewSecret(), replaces);
        await web.Enrolments.PutAsync(SecretToken.Hash(session.Token), enrolment, web.Time.GetUtcNow() + MfaEnrolment.Lifetime, http.RequestAborted);
        return Render(session, enrolment, error: null);
    }

    public static async Task<IResult> ConfirmAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var key = SecretToken.Hash(session.Token);
        if (await web.Enrolments.PeekAsync(key, http.RequestAborted) is not { } enrolment || (session.User.TotpSecret is not null && !enrolment.Replaces))
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Mfa.Expired"), StatusCodes.Status400BadRequest);
        var code = form["code"].ToString();
        var recovery = code.Length > 20 ? null : await web.Accounts.EnrolTotpAsync(session.User, enrolment.Secret, code, http.RequestAborted);
        if (recovery is null) return Render(session, enrolment, new Message("Mfa.CodeWrong"), StatusCodes.Status400BadRequest);
        await web.Enrolments.RemoveAsync(key, http.RequestAborted);
        return WebPage.Render<RecoveryCodesView>(new RecoveryCodesView.Content(recovery), session, returnPath: AccountPage.Path);
    }

    private static IResult Render(WebSession session, MfaEnrolment enrolment, Message? error, int status = StatusCodes.Status200OK)
    {
        var uri = TotpAuthenticator.Uri("Enamel", session.User.UserName, enrolment.Secret);
        var qr = "data:image/png;base64," + Convert.ToBase64String(TotpAuthenticator.QrPng(uri));
        return WebPage.Render<MfaSetupView>(new MfaSetupView.Content(qr, TotpAuthenticator.SecretText(enrolment.Secret), error), session, status, AccountPage.Path);
    }
}
