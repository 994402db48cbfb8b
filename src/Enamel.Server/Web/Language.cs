using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Enamel.Server.Web;

/// <summary>
/// The pages' languages: English, Traditional Chinese and Simplified Chinese. The choice is the language cookie (set by
/// the switcher, POST /language) or else the browser's Accept-Language, mapped explicitly: zh-TW, zh-HK, zh-MO and any
/// zh-Hant tag → zh-Hant; zh-CN, zh-SG, any zh-Hans tag and bare zh → zh-Hans (ASP.NET's own matching would trim zh-TW
/// to zh); anything else → English. Only the UI culture is set, for the request: number and date formats elsewhere
/// (DICOMweb, the JSON API) are not touched.
/// </summary>
internal static class Language
{
    public const string English = "en", TraditionalChinese = "zh-Hant", SimplifiedChinese = "zh-Hans";

    /// <summary>The supported languages in the switcher's order, each with its own name for itself.</summary>
    public static IReadOnlyList<(string Tag, string Name)> All { get; } =
        [(English, "English"), (TraditionalChinese, "繁體中文"), (SimplifiedChinese, "简体中文")];

    /// <summary>Remembers the switcher's choice (a language tag, nothing else).</summary>
    public const string Cookie = "__Host-enamel-lang";

    /// <summary>One of <see cref="All"/>, or null for a tag none of them covers.</summary>
    public static string? Map(string tag)
    {
        var t = tag.Trim().ToLowerInvariant();
        if (t == "en" || t.StartsWith("en-", StringComparison.Ordinal)) return English;
        if (t != "zh" && !t.StartsWith("zh-", StringComparison.Ordinal)) return null;
        var parts = t.Split('-');
        if (parts.Contains("hans")) return SimplifiedChinese; // a script subtag says it outright
        if (parts.Contains("hant") || parts.Skip(1).Any(p => p is "tw" or "hk" or "mo")) return TraditionalChinese;
        return SimplifiedChinese; // zh, zh-cn, zh-sg and other zh regions
    }

    /// <summary>The request's language: the cookie, else the best Accept-Language entry we have, else English.</summary>
    public static string Choose(HttpRequest request)
    {
        if (request.Cookies.TryGetValue(Cookie, out var chosen) && chosen is not null && All.Any(l => l.Tag == chosen)) return chosen;
        if (StringWithQualityHeaderValue.TryParseList(request.Headers.AcceptLanguage, out var accepted))
            foreach (var entry in accepted.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
                if (Map(entry.Value.ToString()) is { } mapped) return mapped;
        return English;
    }

    /// <summary>Middleware: the request's UI culture (the pages' strings) from <see cref="Choose"/>.</summary>
    public static Task Apply(HttpContext http, Func<Task> next)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(Choose(http.Request));
        return next();
    }
}
