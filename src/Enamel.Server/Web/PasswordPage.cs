using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// GET/POST /signin/password and /account/password. Two cases: the forced change after signing in with a one-time password (no session exists
/// yet: the pending handle proves the password and second factor were just verified; a session starts once the new
/// password is saved), and a signed-in user changing their own (the current password is asked again). Either way every
/// other session of the user ends and this browser gets a new session id.
/// </summary>
internal static class PasswordPage
{
    public const string Path = "/account/password";

    /// <summary>The forced change is part of signing in (no session yet), so it lives under /signin.</summary>
    public const string ForcedPath = "/signin/password";

    public static async Task<IResult> GetAsync(HttpContext http, WebPages web)
    {
        var (session, redirect) = await web.RequireSessionAsync(http, Path);
        if (session is null) return redirect!;
        return WebPage.Render("Change password", Form(web, session, error: null), header: session.Header(web.Csrf));
    }

    public static async Task<IResult> GetForcedAsync(HttpContext http, WebPages web) =>
        await web.PeekPendingAsync(http, PendingStep.ChangePassword) is null ? WebPage.SeeOther("/signin") : ForcedForm(web, WebPages.PreSignIn(http), error: null);

    public static async Task<IResult> PostForcedAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        string newPassword = form["new"].ToString(), confirm = form["confirm"].ToString();
        var ct = http.RequestAborted;
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        if (!web.Csrf.IsValid(http, form, pre is null ? null : Csrf.PreSignInBinding(pre))) return Csrf.Refused();
        if (await web.PeekPendingAsync(http, PendingStep.ChangePassword) is null) return WebPage.SeeOther("/signin");
        if (Check(newPassword, confirm) is { } problem) return ForcedForm(web, pre!, problem, StatusCodes.Status400BadRequest);
        if (await web.TakePendingAsync(http, PendingStep.ChangePassword) is not { } pending
            || await web.Users.FindByIdAsync(pending.UserId, ct) is not { MustChangePassword: true, Disabled: false } user)
            return WebPage.SeeOther("/signin");
        if (web.Hasher.Verify(newPassword, user.PasswordHash))
        {
            await web.StartPendingAsync(http, pending);
            return ForcedForm(web, pre!, "Choose a password different from the one-time password.", StatusCodes.Status400BadRequest);
        }
        await web.Accounts.SetPasswordAsync(user, newPassword, ct);
        var token = await web.SignIn.StartSessionAsync((await web.Users.FindByIdAsync(user.Id, ct))!, WebSession.Source(http), ct);
        return await web.CompleteSignInAsync(http, token, pending.ReturnPath);
    }

    public static async Task<IResult> PostAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        string newPassword = form["new"].ToString(), confirm = form["confirm"].ToString();
        var ct = http.RequestAborted;
        var header = session.Header(web.Csrf);
        if (Check(newPassword, confirm) is { } error)
            return WebPage.Render("Change password", Form(web, session, error), StatusCodes.Status400BadRequest, header);
        var current = form["current"].ToString();
        if (current.Length > WebPages.MaxPasswordLength || !await web.Accounts.ChangePasswordAsync(session.User, current, newPassword, ct))
            return WebPage.Render("Change password", Form(web, session, "The current password is not right."), StatusCodes.Status400BadRequest, header);
        // Every session of the user ended with the change: this browser continues on a new one.
        var fresh = await web.SignIn.StartSessionAsync((await web.Users.FindByIdAsync(session.User.Id, ct))!, WebSession.Source(http), ct);
        WebCookies.Set(http.Response, WebCookies.Session, fresh);
        return WebPage.SeeOther("/account?done=password");
    }

    private static string? Check(string newPassword, string confirm) =>
        newPassword.Length < WebPages.MinPasswordLength ? $"A password has at least {WebPages.MinPasswordLength} characters."
        : newPassword.Length > WebPages.MaxPasswordLength ? $"A password has at most {WebPages.MaxPasswordLength} characters."
        : newPassword != confirm ? "The two new passwords differ."
        : null;

    /// <summary>The change form for a signed-in user (also shown on the account page).</summary>
    public static Html Form(WebPages web, WebSession session, string? error) => Html.Of($"""
        {WebPage.Error(error)}
        <form method="post" action="{Path}" class="stack">
        {WebPage.CsrfField(web.Csrf.TokenFor(session.CsrfBinding))}
        <input type="text" name="username" autocomplete="username" value="{session.User.UserName}" hidden>
        <label>Current password <input name="current" type="password" autocomplete="current-password" required></label>
        <label>New password (at least {WebPages.MinPasswordLength} characters) <input name="new" type="password" autocomplete="new-password" required minlength="{WebPages.MinPasswordLength}"></label>
        <label>New password again <input name="confirm" type="password" autocomplete="new-password" required minlength="{WebPages.MinPasswordLength}"></label>
        <button type="submit">Change password</button>
        </form>
        """);

    private static IResult ForcedForm(WebPages web, string pre, string? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render("Choose your password", Html.Of($"""
            <p>You signed in with a one-time password. Choose your own before going on; nothing else is available until then.</p>
            {WebPage.Error(error)}
            <form method="post" action="{ForcedPath}" class="stack">
            {WebPage.CsrfField(web.Csrf.TokenFor(Csrf.PreSignInBinding(pre)))}
            <label>New password (at least {WebPages.MinPasswordLength} characters) <input name="new" type="password" autocomplete="new-password" required minlength="{WebPages.MinPasswordLength}" autofocus></label>
            <label>New password again <input name="confirm" type="password" autocomplete="new-password" required minlength="{WebPages.MinPasswordLength}"></label>
            <button type="submit">Save password</button>
            </form>
            """), status);
}
