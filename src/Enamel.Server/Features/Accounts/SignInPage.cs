using Enamel.Core.Accounts;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

/// <summary>
/// GET/POST /signin (user name and password) and GET/POST /signin/code (the TOTP or recovery code when the account has
/// a second factor). Failures say nothing about which part was wrong, nor whether the account is locked: an unknown name,
/// a wrong password or code, a disabled and a locked account all get <see cref="GenericFailure"/> with 401.
/// Rendered by <see cref="SignInView"/> and <see cref="SignInCodeView"/>.
/// </summary>
internal static class SignInPage
{
    public static readonly Message GenericFailure = new("SignIn.Failed");

    public static IResult Get(HttpContext http)
    {
        return Form(LocalPath.OrDefault(http.Request.Query["return"]), userName: "", error: null);
    }

    public static async Task<IResult> PostAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        if (!web.Csrf.IsValid(http, form, pre is null ? null : Csrf.PreSignInBinding(pre))) return Csrf.Refused();

        string userName = form["username"].ToString().Trim(), password = form["password"].ToString();
        var returnPath = LocalPath.OrDefault(form["return"]);
        if (userName.Length is 0 or > 100 || password.Length is 0 or > WebPages.MaxPasswordLength)
            return Form(returnPath, userName, GenericFailure, StatusCodes.Status401Unauthorized);

        var source = WebSession.Source(http);
        var result = await web.SignIn.ExecuteAsync(userName, password, null, source, http.RequestAborted);
        return await NextAsync(http, web, result, pre!, returnPath, userName);
    }

    public static async Task<IResult> GetCodeAsync(HttpContext http, WebPages web)
    {
        if (await web.PeekPendingAsync(http, PendingStep.SecondFactor) is null) return WebPage.SeeOther("/signin");
        return CodeForm(error: null);
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
            return Form(LocalPath.Default, "", new Message("SignIn.Expired"), StatusCodes.Status401Unauthorized);
        }
        var code = form["code"].ToString();
        if (code.Length > 40) code = "";
        var result = await web.SignIn.SecondFactorAsync(pending.UserId, code, WebSession.Source(http), http.RequestAborted);
        if (result.Status == SignInStatus.Failed && pending.Attempts + 1 < PendingSignIn.MaxAttempts && web.Time.GetUtcNow() < pending.Expires)
        {
            await web.StartPendingAsync(http, pending with { Attempts = pending.Attempts + 1 });
            return CodeForm(GenericFailure, StatusCodes.Status401Unauthorized);
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
                return Form(returnPath, userName, GenericFailure, StatusCodes.Status401Unauthorized);
        }
    }

    private static IResult Form(string returnPath, string userName, Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<SignInView>(new SignInView.Content(returnPath, userName, error), null, status,
            "/signin" + (returnPath == LocalPath.Default ? "" : "?return=" + Uri.EscapeDataString(returnPath)));

    private static IResult CodeForm(Message? error, int status = StatusCodes.Status200OK) =>
        WebPage.Render<SignInCodeView>(new SignInCodeView.Content(error), null, status, "/signin/code");
}
