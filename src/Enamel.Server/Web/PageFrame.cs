using Enamel.Core.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Web;

/// <summary>
/// What the shell (<see cref="Shell"/>) around every page shows: the language, the signed-in user with the entries of the
/// navigation they may open (asked of the one policy point, <see cref="AccessPolicy.CapabilitiesAsync"/>), and the CSRF
/// token of the header's forms (sign-out, language) with the page to come back to after switching language.
/// </summary>
public sealed record PageFrame(string Lang, string? UserName, IReadOnlyList<NavEntry> Nav, string CsrfToken, string ReturnPath, string CurrentPath)
{
    public bool SignedIn => UserName is not null;

    /// <summary>
    /// The frame of a page for <paramref name="session"/> (null before sign-in: no navigation, and the forms are bound to
    /// the pre-sign-in cookie). <paramref name="returnPath"/>: where the language switch comes back to; by default the
    /// requested path for a GET, else "/".
    /// </summary>
    internal static async Task<PageFrame> BuildAsync(HttpContext http, WebSession? session, string? returnPath = null)
    {
        var web = http.RequestServices.GetRequiredService<WebPages>();
        var request = http.Request;
        var back = returnPath ?? (HttpMethods.IsGet(request.Method) ? request.Path + request.QueryString : "/");
        var lang = System.Globalization.CultureInfo.CurrentUICulture.Name is { Length: > 0 } name ? name : Language.English;
        if (session is null)
            return new PageFrame(lang, null, [], web.Csrf.TokenFor(Csrf.PreSignInBinding(WebPages.PreSignIn(http))), LocalPath.OrDefault(back), request.Path);
        var policy = http.RequestServices.GetRequiredService<AccessPolicy>();
        var capabilities = await policy.CapabilitiesAsync(session.User.ToActor(WebSession.Source(http)), http.RequestAborted);
        var nav = http.RequestServices.GetServices<NavEntry>().Where(e => e.IsShownTo(capabilities)).OrderBy(e => e.Order).ToList();
        return new PageFrame(lang, session.User.UserName, nav, web.Csrf.TokenFor(session.CsrfBinding), LocalPath.OrDefault(back), request.Path);
    }
}
