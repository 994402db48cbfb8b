using System.Globalization;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// An Accept value (header or <c>accept</c> query parameter) as media ranges with their parameters, most preferred first
/// (q values, then the order given; q=0 left out). Lenient where viewers are: cornerstone and OHIF send
/// <c>multipart/related; type=application/octet-stream; transfer-syntax=*</c> with the slash unquoted, which RFC 9110's
/// grammar (and the framework's strict parser) refuses.
/// </summary>
internal sealed record MediaRange(string Type, IReadOnlyDictionary<string, string> Parameters, double Quality)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var v) ? v : null;

    /// <summary>The media ranges asked for: the <c>accept</c> query parameter when given (it wins, PS3.18 8.3.3.1), else the Accept header.</summary>
    public static string AcceptOf(Microsoft.AspNetCore.Http.HttpContext http) =>
        http.Request.Query.TryGetValue("accept", out var query) && query.Count > 0 ? string.Join(',', query.ToArray()) : http.Request.Headers.Accept.ToString();

    public static IReadOnlyList<MediaRange> Parse(string accept)
    {
        var list = new List<MediaRange>();
        foreach (var item in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pieces = item.Split(';', StringSplitOptions.TrimEntries);
            var type = pieces[0].ToLowerInvariant();
            if (type.Length == 0 || !type.Contains('/', StringComparison.Ordinal)) continue;
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in pieces.Skip(1))
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) continue;
                parameters[p[..eq].Trim()] = p[(eq + 1)..].Trim().Trim('"').Trim();
            }
            double q = 1;
            if (parameters.TryGetValue("q", out var qs) && !double.TryParse(qs, NumberStyles.Float, CultureInfo.InvariantCulture, out q)) q = 1;
            if (q <= 0) continue;
            list.Add(new MediaRange(type, parameters, q));
        }
        return [.. list.OrderByDescending(r => r.Quality)];
    }
}
