using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// POST /language (the switcher in every page's header, no script needed): remembers the chosen language in a cookie and
/// sends the browser back to the page it was on. Public, because the sign-in pages have it too; it changes nothing but
/// that cookie, and still needs the page's CSRF token (bound to the session, or before sign-in to the pre-sign-in cookie).
/// </summary>
internal static class LanguageEndpoint
{
    public const string Path = "/language";

    public static async Task<IResult> PostAsync(HttpContext http, WebPages web)
    {
        if (await WebPages.ReadFormAsync(http) is not { } form) return WebPages.BadForm();
        var session = WebCookies.Get(http.Request, WebCookies.Session);
        var pre = WebCookies.Get(http.Request, WebCookies.PreSignIn);
        bool valid = (session is not null && web.Csrf.IsValid(http, form, Csrf.SessionBinding(session)))
            || (pre is not null && web.Csrf.IsValid(http, form, Csrf.PreSignInBinding(pre)));
        if (!valid) return Csrf.Refused();
        var tag = form["lang"].ToString();
        if (!Language.All.Any(l => l.Tag == tag)) return WebPages.BadForm();
        WebCookies.Set(http.Response, Language.Cookie, tag, TimeSpan.FromDays(365));
        return WebPage.SeeOther(LocalPath.OrDefault(form["return"]));
    }
}
