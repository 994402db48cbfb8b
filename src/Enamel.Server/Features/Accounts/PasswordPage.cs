using Enamel.Core.Accounts;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

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
        return Page(session, error: null);
    }

    public static async Task<IResult> GetForcedAsync(HttpContext http, WebPages web) =>
        await web.PeekPendingAsync(http, PendingStep.ChangePassword) is null ? WebPage.SeeOther("/signin") : ForcedForm(error: null);

    public static async Task<IResult> PostForcedAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        string newPassword = form["new"].ToString(), confirm = form["confirm"].ToString();
        var ct = http.RequestAborted;
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        if (!web.Csrf.IsValid(http, form, pre is null ? null : Csrf.PreSignInBinding(pre))) return Csrf.Refused();
        if (await web.PeekPendingAsync(http, PendingStep.ChangePassword) is null) return WebPage.SeeOther("/signin");
        if (Check(newPassword, confirm) is { } problem) return ForcedForm(problem, StatusCodes.Status400BadRequest);
        if (await web.TakePendingAsync(http, PendingStep.ChangePassword) is not { } pending
            || await web.Users.FindByIdAsync(pending.UserId, ct) is not { MustChangePassword: true, Disabled: false } user)
            return WebPage.SeeOther("/signin");
        if (web.Hasher.Verify(newPassword, user.PasswordHash))
        {
            await web.StartPendingAsync(http, pending);
            return ForcedForm(new Message("Password.NotTheOneTime"), StatusCodes.Status400BadRequest);
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
        if (Check(newPassword, confirm) is { } error) return Page(session, error, StatusCodes.Status400BadRequest);
        var current = form["current"].ToString();
        if (current.Length > WebPages.MaxPasswordLength || !await web.Accounts.ChangePasswordAsync(session.User, current, newPassword, ct))
            return Page(session, new Message("Password.CurrentWrong"), StatusCodes.Status400BadRequest);
        // Every session of the user ended with the change: this browser continues on a new one.
        var fresh = await web.SignIn.StartSessionAsync((await web.Users.FindByIdAsync(session.User.Id, ct))!, WebSession.Source(http), ct);
        WebCookies.Set(http.Response, WebCookies.Session, fresh);
        return WebPage.SeeOther("/account?done=password");
    }

    private static Message? Check(string newPassword, string confirm) =>
        newPassword.Length < WebPages.MinPasswordLength ? new Message("Password.TooShort", WebPages.MinPasswordLength)
        : newPassword.Length > WebPages.MaxPasswordLength ? new Message("Password.TooLong", WebPages.MaxPasswordLength)
        : newPassword != confirm ? new Message("Password.Differ")
        : null;

    private static IResult Page(WebSession session, Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<PasswordView>(new PasswordView.Content(session.User.UserName, error), session, status, Path);

    private static IResult ForcedForm(Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<ForcedPasswordView>(new ForcedPasswordView.Content(error), null, status, ForcedPath);
}
