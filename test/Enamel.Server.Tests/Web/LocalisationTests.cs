using System.Collections;
using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using Enamel.Server.Web;

namespace Enamel.Server.Tests.Web;

/// <summary>The pages' three languages: every string translated twice, the explicit Chinese mapping, Accept-Language and the switcher.</summary>
public sealed partial class LocalisationTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private static Dictionary<string, string> Strings(string culture)
    {
        var resources = new ResourceManager("Enamel.Server.Web.Strings", typeof(Strings).Assembly);
        var set = resources.GetResourceSet(culture.Length == 0 ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(culture), createIfNotExists: true, tryParents: false);
        Assert.True(set is not null, $"no resources for '{culture}' (is the satellite assembly built and copied?)");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("zh-Hant")]
    [InlineData("zh-Hans")]
    public void EveryEnglishString_HasThisTranslation_AndTheTranslationHasNoExtraKey(string culture)
    {
        var english = Strings("");
        var translated = Strings(culture);
        Assert.True(english.Count >= 100, $"only {english.Count} English strings: the test would prove little");
        Assert.Empty(english.Keys.Except(translated.Keys).Order(StringComparer.Ordinal));   // untranslated
        Assert.Empty(translated.Keys.Except(english.Keys).Order(StringComparer.Ordinal));   // stale: no English original
        foreach (var (key, text) in english)
        {
            var other = translated[key];
            Assert.False(string.IsNullOrWhiteSpace(other), $"{culture} {key} is empty");
            Assert.True(other != text, $"{culture} {key} is still the English text '{text}'");
            Assert.Equal(Placeholders(text), Placeholders(other)); // the same {0} holes, so formatting cannot fail or drop a value
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", other);
        }
    }

    [Fact]
    public void TheTwoChineseTranslations_AreNotOneAndTheSame()
    {
        var (hant, hans) = (Strings("zh-Hant"), Strings("zh-Hans"));
        Assert.True(hant.Count(e => e.Value != hans[e.Key]) > hant.Count / 2, "most Traditional and Simplified strings should differ");
    }

    private static string[] Placeholders(string text) => [.. PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    [Theory]
    [InlineData("en", "en")]
    [InlineData("en-GB", "en")]
    [InlineData("zh-TW", "zh-Hant")]
    [InlineData("zh-HK", "zh-Hant")]
    [InlineData("zh-MO", "zh-Hant")]
    [InlineData("zh-Hant", "zh-Hant")]
    [InlineData("zh-Hant-TW", "zh-Hant")]
    [InlineData("zh-CN", "zh-Hans")]
    [InlineData("zh-SG", "zh-Hans")]
    [InlineData("zh-Hans", "zh-Hans")]
    [InlineData("zh-Hans-HK", "zh-Hans")]
    [InlineData("zh", "zh-Hans")]
    [InlineData("fr-FR", null)]
    public void Map_NamesTheChineseScriptExplicitly(string tag, string? expected) => Assert.Equal(expected, Language.Map(tag));

    [Theory]
    [InlineData("zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant", "登入")]
    [InlineData("zh-CN,zh;q=0.9", "zh-Hans", "登录")]
    [InlineData("fr-FR,zh-TW;q=0.5,en;q=0.4", "zh-Hant", "登入")]
    [InlineData("fr-FR,de;q=0.5", "en", "Sign in")]
    [InlineData("en;q=0.9,zh-MO", "zh-Hant", "登入")]
    public async Task SignInPage_FollowsAcceptLanguage(string acceptLanguage, string lang, string heading)
    {
        using var client = server.Client();
        var (response, html) = await client.GetAsync("/signin", r => r.Headers.Add("Accept-Language", acceptLanguage));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<html lang=\"{lang}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LanguageSwitch_NeedsTheFormsToken_RemembersTheChoice_AndGoesBackOnlyLocally()
    {
        using var client = server.Client();
        var (_, page) = await client.GetAsync("/signin", r => r.Headers.Add("Accept-Language", "en"));
        var token = WebClient.CsrfToken(page);
        // Without the token, with a forged one, or from another site: refused, no cookie.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/language", [new("lang", "zh-Hans"), new("return", "/signin")])).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/language", [new("lang", "zh-Hans"), new("csrf", token[..^2] + "AA")])).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/language", [new("lang", "zh-Hans"), new("csrf", token)],
            r => r.Headers.Add("Sec-Fetch-Site", "cross-site"))).Response.StatusCode);
        Assert.DoesNotContain("__Host-enamel-lang", client.Cookies.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/language", [new("lang", "fr"), new("csrf", token)])).Response.StatusCode);

        var (switched, _) = await client.PostAsync("/language", [new("lang", "zh-Hans"), new("return", "/signin?return=%2Faccount"), new("csrf", token)]);
        WebClient.AssertSeeOther(switched, "/signin?return=%2Faccount");
        var cookie = Assert.Single(client.SetCookies, c => c.StartsWith("__Host-enamel-lang=zh-Hans;", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        // The choice wins over Accept-Language.
        var (_, chinese) = await client.GetAsync("/signin", r => r.Headers.Add("Accept-Language", "en"));
        Assert.Contains("<html lang=\"zh-Hans\">", chinese, StringComparison.Ordinal);
        // Never off-site.
        var (offSite, _) = await client.PostAsync("/language", [new("lang", "zh-Hant"), new("return", "//evil.example/"), new("csrf", token)]);
        WebClient.AssertSeeOther(offSite, LocalPath.Default);

        // Signed in, the token is the session's.
        var user = await server.CreateUserAsync("lang-" + Guid.NewGuid().ToString("N")[..8], "a long enough password");
        await client.SignInAsync(user.UserName, "a long enough password");
        var (_, account) = await client.GetAsync("/account");
        Assert.Contains("<html lang=\"zh-Hant\">", account, StringComparison.Ordinal);
        var (back, _) = await client.PostAsync("/language", [new("lang", "en"), new("return", "/account"), new("csrf", WebClient.CsrfToken(account))]);
        WebClient.AssertSeeOther(back, "/account");
        Assert.Contains("<h1>Your account</h1>", (await client.GetAsync("/account")).Body, StringComparison.Ordinal);
    }
}
