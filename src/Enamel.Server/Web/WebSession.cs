using Enamel.Core.Accounts;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>The signed-in user behind the request's session cookie, with the cookie value (for CSRF binding and "this session").</summary>
internal sealed record WebSession(User User, string Token)
{
    public static async Task<WebSession?> FindAsync(HttpContext http, Sessions sessions)
    {
        if (WebCookies.Get(http.Request, WebCookies.Session) is not { } token) return null;
        var user = await sessions.ValidateAsync(token, http.RequestAborted);
        return user is null ? null : new WebSession(user, token);
    }

    public string CsrfBinding => Csrf.SessionBinding(Token);

    public static string Source(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "";
}
