using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// GET/POST /signin (user name and password) and GET/POST /signin/code (the TOTP or recovery code when the account has
/// a second factor). Failures say nothing about which part was wrong, nor whether the account is locked: an unknown name,
/// a wrong password or code, a disabled and a locked account all get <see cref="GenericFailure"/> with 401.
/// </summary>
internal static class SignInPage
{
    public const string GenericFailure = "Sign-in failed: the user name, password or code is not right.";

    public static IResult Get(HttpContext http, WebPages web)
    {
        var pre = WebPages.PreSignIn(http);
        return Form(web, pre, LocalPath.OrDefault(http.Request.Query["return"]), userName: "", error: null);
    }

    public static async Task<IResult> PostAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        if (!web.Csrf.IsValid(http, form, pre is null ? null : Csrf.PreSignInBinding(pre))) return Csrf.Refused();

        string userName = form["username"].ToString().Trim(), password = form["password"].ToString();
        var returnPath = LocalPath.OrDefault(form["return"]);
        if (userName.Length is 0 or > 100 || password.Length is 0 or > WebPages.MaxPasswordLength)
            return Form(web, pre!, returnPath, userName, GenericFailure, StatusCodes.Status401Unauthorized);

        var source = WebSession.Source(http);
        var result = await web.SignIn.ExecuteAsync(userName, password, null, source, http.RequestAborted);
        return await NextAsync(http, web, result, pre!, returnPath, userName);
    }

    public static async Task<IResult> GetCodeAsync(HttpContext http, WebPages web)
    {
        if (await web.PeekPendingAsync(http, PendingStep.SecondFactor) is null) return WebPage.SeeOther("/signin");
        return CodeForm(web, WebPages.PreSignIn(http), error: null);
    }

    public static async Task<IResult> PostCodeAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        if (!web.Csrf.IsValid(http, form, pre is null ? null : Csrf.PreSignInBinding(pre))) return Csrf.Refused();
        // Single use: whatever happens next, this handle is gone.
        if (await web.TakePendingAsync(http, PendingStep.SecondFactor) is not { } pending)
        {
            WebCookies.Delete(http.Response, WebCookies.Pending);
            return Form(web, pre!, LocalPath.Default, "", "That sign-in took too long or was already used: please start again.", StatusCodes.Status401Unauthorized);
        }
        var code = form["code"].ToString();
        if (code.Length > 40) code = "";
        var result = await web.SignIn.SecondFactorAsync(pending.UserId, code, WebSession.Source(http), http.RequestAborted);
        if (result.Status == SignInStatus.Failed && pending.Attempts + 1 < PendingSignIn.MaxAttempts && web.Time.GetUtcNow() < pending.Expires)
        {
            await web.StartPendingAsync(http, pending with { Attempts = pending.Attempts + 1 });
            return CodeForm(web, pre!, GenericFailure, StatusCodes.Status401Unauthorized);
        }
        return await NextAsync(http, web, result, pre!, pending.ReturnPath, "");
    }

    private static async Task<IResult> NextAsync(HttpContext http, WebPages web, SignInResult result, string pre, string returnPath, string userName)
    {
        var expires = web.Time.GetUtcNow() + PendingSignIn.Lifetime;
        switch (result.Status)
        {
            case SignInStatus.Success:
                return await web.CompleteSignInAsync(http, result.SessionToken!, returnPath);
            case SignInStatus.SecondFactorRequired:
                await web.StartPendingAsync(http, new PendingSignIn(result.User!.Id, PendingStep.SecondFactor, returnPath, SecretToken.Hash(pre), expires));
                return WebPage.SeeOther("/signin/code");
            case SignInStatus.PasswordChangeRequired:
                await web.StartPendingAsync(http, new PendingSignIn(result.User!.Id, PendingStep.ChangePassword, returnPath, SecretToken.Hash(pre), expires));
                return WebPage.SeeOther(PasswordPage.ForcedPath);
            default:
                WebCookies.Delete(http.Response, WebCookies.Pending);
                return Form(web, pre, returnPath, userName, GenericFailure, StatusCodes.Status401Unauthorized);
        }
    }

    private static IResult Form(WebPages web, string pre, string returnPath, string userName, string? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render("Sign in", Html.Of($"""
            {WebPage.Error(error)}
            <form method="post" action="/signin" class="stack">
            {WebPage.CsrfField(web.Csrf.TokenFor(Csrf.PreSignInBinding(pre)))}
            <input type="hidden" name="return" value="{returnPath}">
            <label>User name <input name="username" autocomplete="username" required maxlength="100" value="{userName}" autofocus></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form>
            """), status);

    private static IResult CodeForm(WebPages web, string pre, string? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render("Second step", Html.Of($"""
            {WebPage.Error(error)}
            <form method="post" action="/signin/code" class="stack">
            {WebPage.CsrfField(web.Csrf.TokenFor(Csrf.PreSignInBinding(pre)))}
            <label>The 6-digit code from your authenticator app, or one of your recovery codes
            <input name="code" autocomplete="one-time-code" required maxlength="40" autofocus></label>
            <button type="submit">Continue</button>
            </form>
            <p><a href="/signin">Start again</a></p>
            """), status);
}
