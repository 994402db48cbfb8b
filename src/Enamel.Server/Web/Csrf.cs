using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// Synchronizer tokens for every state-changing form (our own, not ASP.NET Core Antiforgery: the token is a pure
/// function of what it is bound to, so there is no token store and no extra cookie once signed in).
/// token = base64url(HMAC-SHA256(key, "enamel csrf v1|" + binding)); the binding is the SHA-256 of the session id when
/// signed in ("s:" …) or the pre-sign-in cookie before ("p:" …); the key is derived (HKDF, info "enamel web csrf v1")
/// from the master key, so tokens stay valid across restarts and nodes sharing the data folder. A second layer refuses a
/// POST whose Sec-Fetch-Site is anything but same-origin, or whose Origin names another origin (when the browser sends them).
/// </summary>
internal sealed class Csrf(byte[] masterKey)
{
    public const string FieldName = "csrf";
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("enamel web csrf v1");
    private readonly byte[] key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, salt: [], info: Info);

    public static string SessionBinding(string sessionToken) => "s:" + Enamel.Core.Accounts.SecretToken.Hash(sessionToken);

    public static string PreSignInBinding(string preSignInCookie) => "p:" + Enamel.Core.Accounts.SecretToken.Hash(preSignInCookie);

    public string TokenFor(string binding) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("enamel csrf v1|" + binding))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>True when the form's token matches <paramref name="binding"/> and the browser's fetch metadata do not say cross-site.</summary>
    public bool IsValid(HttpContext http, IFormCollection form, string? binding)
    {
        if (binding is null || !SameOrigin(http.Request)) return false;
        var sent = form[FieldName].ToString();
        var expected = TokenFor(binding);
        return sent.Length == expected.Length
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sent), Encoding.ASCII.GetBytes(expected));
    }

    private static bool SameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin") return false;
        // Under our Referrer-Policy: no-referrer, browsers send "Origin: null" on form posts: that says nothing either way.
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || origin == "null" || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The answer to a refused form: 403 and nothing changed.</summary>
    public static IResult Refused() => WebPage.Problem("Problem.FormRefused", new Message("Problem.FormRefusedText"), StatusCodes.Status403Forbidden, startAgain: true);
}
