using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Web;

/// <summary>
/// GET /static/{name}: the pages' stylesheet and script, embedded in the assembly (no front-end build, no CDN) and
/// served from this origin so the strict CSP (script-src 'self'; style-src 'self') holds. Only the listed names exist.
/// </summary>
internal static class StaticAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Assets = new Dictionary<string, (byte[], string)>
    {
        ["enamel.css"] = (Load("enamel.css"), "text/css; charset=utf-8"),
        ["enamel.js"] = (Load("enamel.js"), "text/javascript; charset=utf-8"),
        ["viewer.js"] = (Load("viewer.js"), "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Get(string name) =>
        Assets.TryGetValue(name, out var asset) ? Results.Bytes(asset.Content, asset.Type) : Results.NotFound();

    private static byte[] Load(string name)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream("Enamel.Server.Web.Static." + name)
            ?? throw new InvalidOperationException($"embedded resource Web/Static/{name} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
