using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// The web pages' cookies. All are __Host- prefixed (the browser then insists on Secure, Path=/ and no Domain), HttpOnly
/// and SameSite=Strict; none holds anything but a random handle whose meaning stays on the server.
/// </summary>
internal static class WebCookies
{
    /// <summary>The session id (see <see cref="Access.RequestAuthentication.SessionCookie"/>).</summary>
    public const string Session = Access.RequestAuthentication.SessionCookie;

    /// <summary>Binds the sign-in forms' CSRF token before there is a session (login CSRF).</summary>
    public const string PreSignIn = "__Host-enamel-presignin";

    /// <summary>A short-lived, single-use handle to a half-finished sign-in (second factor or forced password change pending).</summary>
    public const string Pending = "__Host-enamel-pending";

    public static void Set(HttpResponse response, string name, string value, TimeSpan? maxAge = null) =>
        response.Cookies.Append(name, value, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = maxAge,
            IsEssential = true,
        });

    public static void Delete(HttpResponse response, string name) =>
        response.Cookies.Delete(name, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });

    public static string? Get(HttpRequest request, string name) =>
        request.Cookies.TryGetValue(name, out var value) && value is { Length: > 0 and <= 200 } ? value : null;
}
