using Enamel.Core.Accounts;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Accounts;

/// <summary>
/// POST /signout ends this session; POST /signout/everywhere ends every session of the user; POST /account/sessions/end
/// ends one other session of the user (audited Logout by <see cref="Core.Accounts.SignOut"/>).
/// </summary>
internal static class SignOutEndpoints
{
    public static async Task<IResult> SignOutAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        var session = await WebSession.FindAsync(http, web.Sessions);
        if (session is not null)
        {
            if (!web.Csrf.IsValid(http, form, session.CsrfBinding)) return Csrf.Refused();
            await web.SignOut.ExecuteAsync(session.Token, WebSession.Source(http), http.RequestAborted);
        }
        WebCookies.Delete(http.Response, WebCookies.Session);
        return WebPage.SeeOther("/signin");
    }

    public static async Task<IResult> EverywhereAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        await web.SignOut.EverywhereAsync(post.Session.User.Id, WebSession.Source(http), http.RequestAborted);
        WebCookies.Delete(http.Response, WebCookies.Session);
        return WebPage.SeeOther("/signin");
    }

    public static async Task<IResult> EndOtherAsync(HttpContext http, WebPages web)
    {
        var post = await web.SignedInPostAsync(http, AccountPage.Path);
        if (post.Refusal is { } refusal) return refusal;
        var (form, session) = (post.Form, post.Session);
        var reference = form["session"].ToString();
        if (reference == SessionRecord.ReferenceOf(SecretToken.Hash(session.Token)))
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Sessions.ThisOne"), StatusCodes.Status400BadRequest);
        if (!await web.SignOut.OtherSessionAsync(session.User.Id, reference, WebSession.Source(http), http.RequestAborted))
            return await AccountPage.RenderAsync(http, web, session, null, new Message("Sessions.AlreadyEnded"), StatusCodes.Status404NotFound);
        return WebPage.SeeOther(AccountPage.Path + "?done=session");
    }
}
