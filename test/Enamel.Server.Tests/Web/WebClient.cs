using System.Net;
using System.Text.RegularExpressions;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// HTTP against the web pages the way a browser would, but with every cookie handled here in plain sight: no redirect
/// is followed, every request says Accept: text/html, Set-Cookie headers are kept raw (<see cref="SetCookies"/>) and applied to <see cref="Cookies"/>.
/// </summary>
public sealed partial class WebClient : IDisposable
{
    private readonly HttpClient http;

    public WebClient(Uri baseAddress, string thumbprint) =>
        http = new HttpClient(new HttpClientHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == thumbprint,
        }) { BaseAddress = baseAddress };

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>The raw Set-Cookie headers of the last response.</summary>
    public List<string> SetCookies { get; } = [];

    public string? Session => Cookies.GetValueOrDefault("__Host-enamel-session");

    public Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, Action<HttpRequestMessage>? tweak = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), tweak);

    public Task<(HttpResponseMessage Response, string Body)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, Action<HttpRequestMessage>? tweak = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) }, tweak);

    /// <summary>GET <paramref name="formPage"/>, take its CSRF token, then POST <paramref name="fields"/> (plus the token) to <paramref name="action"/>.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SubmitAsync(string formPage, string action, params (string Name, string Value)[] fields)
    {
        var (_, page) = await GetAsync(formPage);
        var all = fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("csrf", CsrfToken(page)));
        return await PostAsync(action, all);
    }

    public async Task<(HttpResponseMessage Response, string Body)> SignInAsync(string userName, string password, string returnPath = "/account") =>
        await SubmitAsync("/signin", "/signin", ("username", userName), ("password", password), ("return", returnPath));

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpRequestMessage request, Action<HttpRequestMessage>? tweak = null)
    {
        request.Headers.Add("Accept", "text/html"); // as a browser does
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        tweak?.Invoke(request);
        var response = await http.SendAsync(request);
        SetCookies.Clear();
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
            foreach (var raw in values)
            {
                SetCookies.Add(raw);
                var nameValue = raw.Split(';')[0];
                int eq = nameValue.IndexOf('=');
                string name = nameValue[..eq], value = nameValue[(eq + 1)..];
                bool expired = value.Length == 0 || raw.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)
                    || raw.Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
                if (expired) Cookies.Remove(name);
                else Cookies[name] = value;
            }
        return (response, await response.Content.ReadAsStringAsync());
    }

    public static string CsrfToken(string html) =>
        CsrfPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no CSRF token on the page:\n" + html);

    public static string? Location(HttpResponseMessage response) => response.Headers.Location?.OriginalString;

    public static void AssertSeeOther(HttpResponseMessage response, string location)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(location, Location(response));
    }

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfPattern();

    public void Dispose() => http.Dispose();
}
