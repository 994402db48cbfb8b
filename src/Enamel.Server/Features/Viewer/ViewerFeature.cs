using System.Globalization;
using System.Text.Json;
using Enamel.Core.Access;
using Enamel.Core.Blobs;
using Enamel.Core.Records;
using Enamel.Core.Studies;
using Enamel.Core.Viewer;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;
using Enamel.Server.Access;
using Enamel.Server.DicomWeb;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Enamel.Server.Features.Viewer;

/// <summary>
/// The image viewer (issue 14, screen 4). <c>GET /viewer?study=…&amp;series=…&amp;instance=…[&amp;frame=n]</c> is the page:
/// viewing an instance is the same operation as a WADO retrieve (Imaging:Read, decided by the gate for the instance's
/// patient and audited); the page carries what <c>/static/viewer.js</c> needs as data- attributes, and the module then
/// fetches the metadata and raw frames over DICOMweb and renders them at full bit depth in the browser.
/// The annotations and display settings live apart from the pixels (the instance bytes never change):
/// <c>GET /api/instances/{sop}/annotations</c> (Imaging:Read), <c>PUT</c> the same (Imaging:Create; JSON, an optional
/// If-Match: "n" or "version": n against a lost update), and <c>GET …/annotations/gsps</c> (Imaging:Export): a Grayscale
/// Softcopy Presentation State of them, built with Enamel.Dicom.
/// </summary>
internal static class ViewerFeature
{
    public const string Path = "/viewer";
    public const int MaxBody = 128 * 1024;

    public static string PathOf(string study, string series, string instance, int frame = 1) =>
        $"{Path}?study={Uri.EscapeDataString(study)}&series={Uri.EscapeDataString(series)}&instance={Uri.EscapeDataString(instance)}"
        + (frame > 1 ? "&frame=" + frame.ToString(CultureInfo.InvariantCulture) : "");

    public static string AnnotationsPath(string sop) => $"/api/instances/{Uri.EscapeDataString(sop)}/annotations";

    public static IServiceCollection AddViewerPages(this IServiceCollection services)
    {
        services.TryAddSingleton<ViewerAnnotations>();
        return services;
    }

    public static WebApplication MapViewerPages(this WebApplication app)
    {
        app.MapGet(Path, PageAsync).Requires(RecordCategory.Imaging, RecordAction.Read).ItemFromQuery(RecordKind.Instance, "instance").AsPage();
        app.MapGet("/api/instances/{sop}/annotations", GetAsync).Requires(RecordCategory.Imaging, RecordAction.Read).Item(RecordKind.Instance, "sop");
        app.MapPut("/api/instances/{sop}/annotations", PutAsync).Requires(RecordCategory.Imaging, RecordAction.Create).Item(RecordKind.Instance, "sop");
        app.MapGet("/api/instances/{sop}/annotations/gsps", GspsAsync).Requires(RecordCategory.Imaging, RecordAction.Export).Item(RecordKind.Instance, "sop");
        return app;
    }

    // ---- the page --------------------------------------------------------------------------------------------------------

    private static async Task<IResult> PageAsync(HttpContext http, WebPages web, IStudyIndex index, AccessPolicy policy)
    {
        var q = http.Request.Query;
        var (session, redirect) = await web.RequireSessionAsync(http, Path + http.Request.QueryString);
        if (session is null) return redirect!;
        string study = q["study"].ToString(), series = q["series"].ToString(), instance = q["instance"].ToString();
        int frame = 1;
        if (q["frame"].ToString() is { Length: > 0 } f && (!int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out frame) || frame < 1))
            return WebPage.Problem("Problem.BadRequest", new Message("Viewer.BadFrame"), StatusCodes.Status400BadRequest);
        if (!IsUid(study) || !IsUid(series) || !IsUid(instance))
            return WebPage.Problem("Problem.BadRequest", new Message("Viewer.BadUids"), StatusCodes.Status400BadRequest);
        var found = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (found.Count == 0) return await WebPage.RefuseAsync(http, StatusCodes.Status404NotFound); // the instance exists (the gate found it) but not in that study/series
        var actor = http.GetActor() ?? session.User.ToActor(WebSession.Source(http));
        var capabilities = await policy.CapabilitiesAsync(actor, http.RequestAborted);
        bool may(RecordAction a) => capabilities.Permits(new Operation(RecordCategory.Imaging, a), RoleReach.ClinicPatients, RoleReach.OwnRecord);
        var model = new ViewerView.Content(study, series, instance, frame, AnnotationsPath(instance), may(RecordAction.Create), may(RecordAction.Export));
        return WebPage.Render<ViewerView>(model, session, returnPath: Path + http.Request.QueryString);
    }

    /// <summary>A DICOM UID: 1 to 64 characters, digits and dots.</summary>
    internal static bool IsUid(string s) => s.Length is > 0 and <= 64 && s.All(c => c is (>= '0' and <= '9') or '.');

    // ---- the annotations API ---------------------------------------------------------------------------------------------

    private static async Task<(StoredInstance? Instance, ResourceScope Scope)> InstanceAsync(HttpContext http, IStudyIndex index, string sop)
    {
        var owner = http.GetItem();
        var instance = await index.FindInstanceAsync(sop, http.RequestAborted);
        var scope = owner is not null ? ResourceScope.Of(owner) : new ResourceScope(null, "") { Object = "instance " + sop, NamesRecord = true };
        return (instance, scope);
    }

    private static Actor ActorOf(HttpContext http) => http.GetActor() ?? throw new InvalidOperationException("the gate sets the actor of every record operation");

    private static async Task GetAsync(HttpContext http, string sop, IStudyIndex index, ViewerAnnotations verbs)
    {
        var (instance, scope) = await InstanceAsync(http, index, sop);
        if (instance is null) { await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such instance"); return; }
        var (decision, stored) = await verbs.ReadAsync(ActorOf(http), sop, instance.DataKey, scope, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!decision.Allowed) { await Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "Imaging:Read denied"); return; }
        await WriteAsync(http, stored);
    }

    private static async Task PutAsync(HttpContext http, string sop, IStudyIndex index, ViewerAnnotations verbs)
    {
        if (!http.Request.HasJsonContentType()) { await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType, "send application/json"); return; }
        // A browser's cross-site write is refused (the session cookie is SameSite=Strict besides).
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) { await Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "cross-site requests are refused"); return; }
        if (await Hosting.BoundedBody.ReadAsync(http.Request, MaxBody, http.RequestAborted) is not { } body)
        {
            await Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, $"the annotations are larger than {MaxBody / 1024} KiB");
            return;
        }
        var (set, problem) = ViewerAnnotations.Parse(body);
        if (set is null) { await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, problem!); return; }
        int? expected = null;
        if (http.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch)
        {
            var tag = ifMatch.Trim().Replace("W/", "", StringComparison.Ordinal).Trim('"');
            if (!int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) { await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "If-Match must be a version such as \"3\""); return; }
            expected = v;
        }
        else
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("version", out var ver) && ver.ValueKind != JsonValueKind.Null)
            {
                if (ver.ValueKind != JsonValueKind.Number || !ver.TryGetInt32(out var v) || v < 0)
                {
                    await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "version must be the version last read (0 when there were none)");
                    return;
                }
                expected = v;
            }
        }
        var (instance, scope) = await InstanceAsync(http, index, sop);
        if (instance is null) { await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such instance"); return; }
        var (decision, stored) = await verbs.SaveAsync(ActorOf(http), sop, instance.DataKey, scope, set, expected, http.GetPurpose(), http.GetDecided(), http.RequestAborted);
        if (!decision.Allowed) { await Problem.WriteAsync(http, StatusCodes.Status403Forbidden, "Imaging:Create denied"); return; }
        if (stored is null) { await Problem.WriteAsync(http, StatusCodes.Status412PreconditionFailed, "the annotations were saved meanwhile by someone else: reload them"); return; }
        await WriteAsync(http, stored);
    }

    private static async Task WriteAsync(HttpContext http, StoredAnnotations? stored)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        int version = stored?.Version ?? 0;
        http.Response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
        w.WriteStartObject();
        w.WriteNumber("version", version);
        if (stored is not null) w.WriteString("updated", stored.Updated.ToString("O", CultureInfo.InvariantCulture));
        var set = stored?.Set ?? new AnnotationSet(null, []);
        w.WritePropertyName("display");
        JsonSerializer.Serialize(w, set.Display, ViewerAnnotations.Json);
        w.WritePropertyName("items");
        JsonSerializer.Serialize(w, set.Items, ViewerAnnotations.Json);
        w.WriteEndObject();
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    // ---- GSPS export -----------------------------------------------------------------------------------------------------

    private static async Task GspsAsync(HttpContext http, string sop, IStudyIndex index, IBlobStore blobs, ViewerAnnotations verbs, TimeProvider time)
    {
        var (instance, scope) = await InstanceAsync(http, index, sop);
        if (instance is null) { await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such instance"); return; }
        // The export was decided (Imaging:Export) and audited at the gate; reading the set is part of it.
        var (_, stored) = await verbs.ReadAsync(ActorOf(http), sop, instance.DataKey, scope, http.GetPurpose(), null, http.RequestAborted);
        var set = stored?.Set ?? new AnnotationSet(null, []);
        DicomDataset image;
        await using (var stream = await blobs.OpenReadAsync(instance.Blob.Id, http.RequestAborted))
        using (var file = StoredObjects.Open(http, stream))
        {
            image = file.Dataset.Clone();
            image.Remove(DicomTags.PixelData);
        }
        if (!image.Contains(DicomTags.Rows))
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "this instance is not an image: there is nothing to present");
            return;
        }
        var d = set.Display;
        // GSPS has a horizontal flip and a clockwise rotation: a vertical flip is a horizontal one turned by 180°.
        bool flipH = d is not null && (d.FlipH != d.FlipV);
        int rotation = d is null ? 0 : (d.Rotate + (d.FlipV ? 180 : 0)) % 360;
        var content = new PresentationContent
        {
            WindowCenter = d?.Center,
            WindowWidth = d?.Width,
            Invert = d?.Invert ?? false,
            FlipHorizontal = flipH,
            Rotation = rotation,
            Graphics = [.. set.Items.SelectMany(a => Graphics(a, Spacing(image)))],
            Description = "Enamel viewer annotations",
            Creator = "",
        };
        var ps = PresentationStateBuilder.Build(image, content, time);
        var bytes = PresentationStateBuilder.ToPart10(ps);
        http.Response.ContentType = "application/dicom";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"gsps-{sop}.dcm\"";
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    /// <summary>
    /// The annotations as GSPS graphics: lengths and angles with their value as text next to them (in mm or degrees as the
    /// viewer shows them: Pixel Spacing, else Imager Pixel Spacing, else pixels), an arrow as its shaft and two head strokes.
    /// </summary>
    internal static IEnumerable<PresentationGraphic> Graphics(Annotation a, (double Row, double Col)? spacing)
    {
        var pts = a.Points.Select(p => (X: p[0], Y: p[1])).ToList();
        if (a.Type == "text")
        {
            yield return new PresentationGraphic("text", a.Frame, [pts[0]], a.Text);
            yield break;
        }
        yield return new PresentationGraphic("polyline", a.Frame, pts);
        if (a.Type == "arrow")
        {
            var (p, q) = (pts[0], pts[1]);
            double angle = Math.Atan2(q.Y - p.Y, q.X - p.X), head = Math.Max(2, Math.Sqrt((q.X - p.X) * (q.X - p.X) + (q.Y - p.Y) * (q.Y - p.Y)) * 0.15);
            foreach (var side in new[] { -0.45, 0.45 })
                yield return new PresentationGraphic("polyline", a.Frame, [q, (q.X - head * Math.Cos(angle + side), q.Y - head * Math.Sin(angle + side))]);
        }
        string label = a.Type switch
        {
            "length" => Length(pts[0], pts[1], spacing),
            "angle" => Angle(pts, spacing),
            _ => "",
        };
        if (a.Text.Length > 0) label = label.Length > 0 ? label + " " + a.Text : a.Text;
        if (label.Length > 0) yield return new PresentationGraphic("text", a.Frame, [pts[^1]], label);
    }

    private static string Length((double X, double Y) p, (double X, double Y) q, (double Row, double Col)? spacing)
    {
        double dx = q.X - p.X, dy = q.Y - p.Y;
        return spacing is { } s
            ? (Math.Sqrt(dx * s.Col * dx * s.Col + dy * s.Row * dy * s.Row)).ToString("0.0", CultureInfo.InvariantCulture) + " mm"
            : Math.Sqrt(dx * dx + dy * dy).ToString("0.0", CultureInfo.InvariantCulture) + " px";
    }

    private static string Angle(IReadOnlyList<(double X, double Y)> pts, (double Row, double Col)? spacing)
    {
        double sx = spacing?.Col ?? 1, sy = spacing?.Row ?? 1;
        double ax = (pts[0].X - pts[1].X) * sx, ay = (pts[0].Y - pts[1].Y) * sy, bx = (pts[2].X - pts[1].X) * sx, by = (pts[2].Y - pts[1].Y) * sy;
        return (Math.Abs(Math.Atan2(ax * by - ay * bx, ax * bx + ay * by)) * 180 / Math.PI).ToString("0.0", CultureInfo.InvariantCulture) + "°";
    }

    /// <summary>The calibration the viewer uses: Pixel Spacing, else Imager Pixel Spacing (at the detector), else none.</summary>
    internal static (double Row, double Col)? Spacing(DicomDataset image)
    {
        foreach (var tag in new[] { DicomTags.PixelSpacing, DicomTags.ImagerPixelSpacing })
            if (image.TryGetNumber(tag, out var row, 0) && image.TryGetNumber(tag, out var col, 1) && row > 0 && col > 0) return (row, col);
        return null;
    }
}
