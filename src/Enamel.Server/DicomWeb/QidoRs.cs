using System.Globalization;
using System.Text.Json;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Server.Access;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>QIDO-RS (PS3.18 10.6): search studies, series and instances; results as application/dicom+json.</summary>
internal static class QidoRs
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "limit", "offset", "includefield", "fuzzymatching" };

    public static Task StudiesAsync(HttpContext http, IStudyIndex index) => SearchAsync(http, index, QueryLevel.Study, null, null);

    public static Task SeriesAsync(HttpContext http, IStudyIndex index, string? study) => SearchAsync(http, index, QueryLevel.Series, study, null);

    public static Task InstancesAsync(HttpContext http, IStudyIndex index, string? study, string? series) =>
        SearchAsync(http, index, QueryLevel.Instance, study, series);

    private static async Task SearchAsync(HttpContext http, IStudyIndex index, QueryLevel level, string? study, string? series)
    {
        // The gate decided this search and left the patients it reaches; without that there is nothing to search.
        if (http.GetReach() is not { } reach)
        {
            await Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "this search has no access decision");
            return;
        }
        var q = http.Request.Query;
        var filters = new Dictionary<DicomTag, string>();
        var include = new HashSet<DicomTag>();
        bool includeAll = false;
        try
        {
            foreach (var (key, values) in q)
            {
                if (Reserved.Contains(key))
                {
                    if (key.Equals("includefield", StringComparison.OrdinalIgnoreCase))
                        foreach (var f in values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                        {
                            if (f == "all") includeAll = true;
                            else include.Add(ParseTag(f));
                        }
                    continue;
                }
                filters[ParseTag(key)] = values.ToString();
            }
            if (study is not null) filters[DicomTags.StudyInstanceUID] = study;
            if (series is not null) filters[DicomTags.SeriesInstanceUID] = series;
            var query = new StudyQuery
            {
                Level = level,
                Filters = filters,
                Limit = Int(q["limit"], 1000),
                Offset = Int(q["offset"], 0),
                FuzzyMatching = string.Equals(q["fuzzymatching"], "true", StringComparison.OrdinalIgnoreCase),
                Reach = reach,
            };
            var rows = await index.SearchAsync(query, http.RequestAborted);
            if (rows.Count == 0)
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
            http.Response.ContentType = "application/dicom+json";
            await using var w = new Utf8JsonWriter(http.Response.Body, DicomJsonText.WriterOptions);
            w.WriteStartArray();
            foreach (var row in rows)
            {
                w.WriteStartObject();
                DicomJsonText.WriteAttributes(w, row.Where(a => includeAll || IsReturned(a.Key, level) || include.Contains(a.Key) || filters.ContainsKey(a.Key)));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        catch (Exception ex) when (ex is InvalidQueryException or FormatException)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
        }
    }

    /// <summary>Attributes returned by default at a level (PS3.18 Table 10.6.3-3..5): the level's own and the levels above, plus the counts.</summary>
    private static bool IsReturned(DicomTag tag, QueryLevel level) =>
        IndexedAttributes.Find(tag) is { } c ? c.Level <= level : true;

    private static DicomTag ParseTag(string key) =>
        DicomTag.TryParse(key, out var tag) ? tag : throw new FormatException($"'{key}' is neither a DICOM keyword nor a tag");

    private static int Int(string? s, int fallback)
    {
        if (string.IsNullOrEmpty(s)) return fallback;
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{s}' is not a non-negative integer");
    }
}
