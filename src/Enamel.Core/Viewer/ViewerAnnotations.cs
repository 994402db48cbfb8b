using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Keys;
using Enamel.Core.Records;

namespace Enamel.Core.Viewer;

/// <summary>
/// What the viewer keeps for one image, apart from its pixels (the instance bytes never change): the display settings
/// (window, inversion, flips, rotation) and the annotations (lengths, angles, arrows, text) in image pixel coordinates
/// (the top-left corner of the first pixel is 0,0; a pixel's centre is at +0.5).
/// </summary>
public sealed record AnnotationSet(DisplaySettings? Display, IReadOnlyList<Annotation> Items);

/// <summary>Display settings for the image: VOI window (modality values), invert, flips and a clockwise rotation of 0, 90, 180 or 270 degrees.</summary>
public sealed record DisplaySettings(double? Center, double? Width, bool Invert, bool FlipH, bool FlipV, int Rotate);

/// <summary>One annotation: <c>length</c> (2 points), <c>angle</c> (3, the vertex in the middle), <c>arrow</c> (2, the head at the second) or <c>text</c> (1 point and a text).</summary>
public sealed record Annotation(string Type, int Frame, IReadOnlyList<double[]> Points, string Text);

/// <summary>One instance's stored annotations and their version (1 for the first save, then +1 per save).</summary>
public sealed record StoredAnnotations(AnnotationSet Set, int Version, DateTimeOffset Updated, string AuthorId);

/// <summary>
/// The port over the store of viewer annotations: sealed under the instance's data key, one row per instance. A write
/// commits together with its audit entry (one transaction) or not at all.
/// </summary>
public interface IViewerAnnotationStore
{
    Task<StoredAnnotations?> GetAsync(string sopInstanceUid, DataKeyId dataKey, CancellationToken ct);

    /// <summary>
    /// Saves <paramref name="set"/> as the next version when the stored version is <paramref name="expectedVersion"/>
    /// (0: none stored yet; null: whatever is stored); null when another save came first (nothing written).
    /// </summary>
    Task<StoredAnnotations?> PutAsync(string sopInstanceUid, DataKeyId dataKey, AnnotationSet set, int? expectedVersion, string authorId, AuditEvent audit,
        CancellationToken ct);
}

/// <summary>The viewer's annotations: their JSON form, its checks, and the verbs that read and save them (decided by the policy, audited).</summary>
public sealed class ViewerAnnotations(IViewerAnnotationStore store, AccessPolicy policy)
{
    public const int MaxItems = 500;
    public const int MaxText = 200;
    public const double MaxCoordinate = 65536;
    public static readonly IReadOnlyList<string> Types = ["length", "angle", "arrow", "text"];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Reads and checks the JSON a client sends; the problem says what is wrong (for a 400).</summary>
    public static (AnnotationSet? Set, string? Problem) Parse(ReadOnlySpan<byte> utf8)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException ex) { return (null, "the body is not JSON: " + ex.Message); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "the body must be a JSON object with \"items\" (and optionally \"display\")");
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("items" or "display" or "version")) return (null, $"unknown member \"{p.Name}\" (expected items, display, version)");
            DisplaySettings? display = null;
            if (root.TryGetProperty("display", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                var (parsed, problem) = ParseDisplay(d);
                if (problem is not null) return (null, problem);
                display = parsed;
            }
            var items = new List<Annotation>();
            if (!root.TryGetProperty("items", out var list) || list.ValueKind != JsonValueKind.Array) return (null, "\"items\" must be an array");
            if (list.GetArrayLength() > MaxItems) return (null, $"at most {MaxItems} annotations per image");
            int n = 0;
            foreach (var item in list.EnumerateArray())
            {
                var (a, problem) = ParseItem(item, n++);
                if (problem is not null) return (null, problem);
                items.Add(a!);
            }
            return (new AnnotationSet(display, items), null);
        }
    }

    private static (DisplaySettings?, string?) ParseDisplay(JsonElement d)
    {
        if (d.ValueKind != JsonValueKind.Object) return (null, "\"display\" must be an object");
        double? center = null, width = null;
        bool invert = false, flipH = false, flipV = false;
        int rotate = 0;
        foreach (var p in d.EnumerateObject())
        {
            switch (p.Name)
            {
                case "center" or "width":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var v) || !double.IsFinite(v) || Math.Abs(v) > 1e9)
                        return (null, $"display.{p.Name} must be a finite number");
                    if (p.Name == "width" && v < 1) return (null, "display.width must be at least 1");
                    if (p.Name == "center") center = v; else width = v;
                    break;
                case "invert" or "flipH" or "flipV":
                    if (p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return (null, $"display.{p.Name} must be true or false");
                    if (p.Name == "invert") invert = p.Value.GetBoolean(); else if (p.Name == "flipH") flipH = p.Value.GetBoolean(); else flipV = p.Value.GetBoolean();
                    break;
                case "rotate":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out var r) || r is not (0 or 90 or 180 or 270))
                        return (null, "display.rotate must be 0, 90, 180 or 270");
                    rotate = r;
                    break;
                default:
                    return (null, $"unknown member display.{p.Name} (expected center, width, invert, flipH, flipV, rotate)");
            }
        }
        return (new DisplaySettings(center, width, invert, flipH, flipV, rotate), null);
    }

    private static (Annotation?, string?) ParseItem(JsonElement item, int index)
    {
        string at = $"items[{index.ToString(CultureInfo.InvariantCulture)}]";
        if (item.ValueKind != JsonValueKind.Object) return (null, at + " must be an object");
        string type = "", text = "";
        int frame = 1;
        List<double[]>? points = null;
        foreach (var p in item.EnumerateObject())
        {
            switch (p.Name)
            {
                case "type":
                    type = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
                    if (!Types.Contains(type)) return (null, $"{at}.type must be one of {string.Join(", ", Types)}");
                    break;
                case "frame":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out frame) || frame < 1)
                        return (null, $"{at}.frame must be a frame number (from 1)");
                    break;
                case "text":
                    if (p.Value.ValueKind != JsonValueKind.String) return (null, $"{at}.text must be a string");
                    text = p.Value.GetString()!;
                    if (text.Length > MaxText) return (null, $"{at}.text is longer than {MaxText} characters");
                    if (text.Any(char.IsControl)) return (null, $"{at}.text must not contain control characters");
                    break;
                case "points":
                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() > 3) return (null, $"{at}.points must be an array of up to 3 [x, y] points");
                    points = [];
                    foreach (var pt in p.Value.EnumerateArray())
                    {
                        if (pt.ValueKind != JsonValueKind.Array || pt.GetArrayLength() != 2) return (null, $"{at}.points: each point is [x, y]");
                        var xy = new double[2];
                        int k = 0;
                        foreach (var c in pt.EnumerateArray())
                        {
                            if (c.ValueKind != JsonValueKind.Number || !c.TryGetDouble(out var v) || !double.IsFinite(v) || v < -MaxCoordinate || v > MaxCoordinate)
                                return (null, $"{at}.points: coordinates are finite numbers within ±{MaxCoordinate.ToString(CultureInfo.InvariantCulture)} image pixels");
                            xy[k++] = v;
                        }
                        points.Add(xy);
                    }
                    break;
                default:
                    return (null, $"unknown member {at}.{p.Name} (expected type, frame, points, text)");
            }
        }
        if (type.Length == 0) return (null, $"{at}.type is required");
        int needed = type switch { "length" or "arrow" => 2, "angle" => 3, _ => 1 };
        if (points is null || points.Count != needed) return (null, $"{at}: a {type} has {needed} point{(needed == 1 ? "" : "s")}");
        if (type == "text" && text.Trim().Length == 0) return (null, $"{at}: a text annotation needs its text");
        return (new Annotation(type, frame, points, text), null);
    }

    public static string ToJson(AnnotationSet set) => JsonSerializer.Serialize(set, Json);

    public static AnnotationSet FromJson(string json) =>
        JsonSerializer.Deserialize<AnnotationSet>(json, Json) ?? throw new InvalidDataException("stored annotations are empty");

    /// <summary>Reads an instance's annotations (Imaging:Read on the instance's patient); an instance without any answers an empty set, version 0.</summary>
    public async Task<(Decision Decision, StoredAnnotations? Value)> ReadAsync(Actor actor, string sop, DataKeyId dataKey, ResourceScope scope, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct)
    {
        var decision = await policy.DecideOrReuseAsync(decided, actor, new Operation(RecordCategory.Imaging, RecordAction.Read), scope, purpose, ct);
        if (!decision.Allowed) return (decision, null);
        return (decision, await store.GetAsync(sop, dataKey, ct));
    }

    /// <summary>Saves an instance's annotations (Imaging:Create on its patient: annotating adds to the image, never changes it), with its audit entry.</summary>
    public async Task<(Decision Decision, StoredAnnotations? Value)> SaveAsync(Actor actor, string sop, DataKeyId dataKey, ResourceScope scope, AnnotationSet set,
        int? expectedVersion, Purpose purpose, DecidedOperation? decided, CancellationToken ct)
    {
        var operation = new Operation(RecordCategory.Imaging, RecordAction.Create);
        var decision = await policy.DecideOrReuseAsync(decided, actor, operation, scope, purpose, ct);
        if (!decision.Allowed) return (decision, null);
        var audit = policy.DataEvent(actor, operation, scope, purpose,
            $"viewer annotations saved ({set.Items.Count.ToString(CultureInfo.InvariantCulture)} items)");
        return (decision, await store.PutAsync(sop, dataKey, set, expectedVersion, actor.UserId, audit, ct));
    }
}
