using System.Globalization;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// WADO-RS rendered resources and thumbnails (PS3.18 10.4.1.1.3, 10.4.1.1.4) of instances, frames, series and studies:
/// window=center,width[,function], viewport=vw,vh (maxima: the aspect ratio is kept), quality; JPEG by default, PNG
/// when accepted first. The <c>accept</c> query parameter, when present, replaces the Accept header (PS3.18 8.3.3.1).
/// Only the requested frame is decoded. A series or study thumbnail shows its middle instance; a rendered series or
/// study is multipart/related, one part per renderable instance (its first frame).
/// </summary>
internal static class RenderedRs
{
    private const int ThumbnailSize = 128;

    public static Task InstanceAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance) =>
        RenderAsync(http, index, blobs, study, series, instance, 1, thumbnail: false);

    public static Task FrameAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance, int frame) =>
        RenderAsync(http, index, blobs, study, series, instance, frame, thumbnail: false);

    public static Task InstanceThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance) =>
        RenderAsync(http, index, blobs, study, series, instance, 1, thumbnail: true);

    public static Task FrameThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance, int frame) =>
        RenderAsync(http, index, blobs, study, series, instance, frame, thumbnail: true);

    public static Task SeriesThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series) =>
        RenderAsync(http, index, blobs, study, series, null, 1, thumbnail: true);

    public static Task StudyThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study) =>
        RenderAsync(http, index, blobs, study, null, null, 1, thumbnail: true);

    public static Task SeriesAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series) =>
        RenderManyAsync(http, index, blobs, study, series);

    public static Task StudyAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study) =>
        RenderManyAsync(http, index, blobs, study, null);

    /// <summary>WADO-URI rendered retrieval: windowCenter, windowWidth, rows, columns, frameNumber (1-based), imageQuality.</summary>
    public static async Task WadoUriAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series, string instance, bool png)
    {
        var q = http.Request.Query;
        RenderOptions options;
        int quality = 90;
        try
        {
            int frame = q["frameNumber"].ToString() is { Length: > 0 } f ? int.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture) : 1;
            if (frame < 1) throw new FormatException("frameNumber starts at 1");
            options = new RenderOptions { Frame = frame - 1 };
            string wc = q["windowCenter"].ToString(), ww = q["windowWidth"].ToString();
            if (wc.Length > 0 || ww.Length > 0)
            {
                if (!TryDouble(wc, out var c) || !TryDouble(ww, out var w) || w <= 0) throw new FormatException("windowCenter and windowWidth must both be numbers, width positive");
                options = options with { WindowCenter = c, WindowWidth = w };
            }
            int? rows = q["rows"].ToString() is { Length: > 0 } r ? int.Parse(r, NumberStyles.None, CultureInfo.InvariantCulture) : null;
            int? cols = q["columns"].ToString() is { Length: > 0 } cs ? int.Parse(cs, NumberStyles.None, CultureInfo.InvariantCulture) : null;
            if (rows is < 1 or > 8192 || cols is < 1 or > 8192) throw new FormatException("rows and columns must be 1..8192");
            // Both given: maxima, the aspect ratio kept (PS3.18 WADO-URI Rows, Columns).
            options = options with { Width = cols, Height = rows, Fit = true };
            if (q["imageQuality"].ToString() is { Length: > 0 } iq && (!int.TryParse(iq, NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
                throw new FormatException("imageQuality must be 1..100");
        }
        catch (FormatException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }
        await RenderWithAsync(http, index, blobs, study, series, instance, png ? ImageFormat.Png : ImageFormat.Jpeg, options, quality);
    }

    private static async Task RenderAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string? series, string? instance,
        int frame, bool thumbnail)
    {
        var format = Negotiate(MediaRange.AcceptOf(http));
        if (format is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, "rendered images are available as image/jpeg or image/png");
            return;
        }
        RenderOptions options;
        int quality;
        try
        {
            (options, quality) = ParseQuery(http.Request.Query, frame, thumbnail);
        }
        catch (FormatException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }
        await RenderWithAsync(http, index, blobs, study, series, instance, format.Value, options, quality);
    }

    private static async Task RenderWithAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string? series, string? instance,
        ImageFormat format, RenderOptions options, int quality)
    {
        var instances = await index.ListInstancesAsync(study, series, instance, http.RequestAborted);
        if (instances.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such study, series or instance");
            return;
        }
        // A series or study thumbnail shows its middle image, among the instances whose SOP class holds one.
        var images = instances.Where(i => !NotAnImage(i.SopClassUid)).ToList();
        var chosen = images.Count > 0 ? images[images.Count / 2] : instances[instances.Count / 2];
        var image = new MemoryStream();
        await using (var stream = await blobs.OpenReadAsync(chosen.Blob.Id, http.RequestAborted))
        using (var file = StoredObjects.OpenImage(http, stream))
        {
            try
            {
                var pixel = DicomPixelData.Create(file);
                if (options.Frame >= pixel.NumberOfFrames)
                {
                    await Problem.WriteAsync(http, StatusCodes.Status404NotFound, $"frame {options.Frame + 1} does not exist; the instance has {pixel.NumberOfFrames}");
                    return;
                }
                DicomRenderer.Render(pixel, file.Dataset, options).Save(image, format, quality);
            }
            catch (DicomImagingException ex)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
                return;
            }
        }
        http.Response.ContentType = format == ImageFormat.Png ? "image/png" : "image/jpeg";
        image.Position = 0;
        await image.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>SOP classes that never hold an image: structured reports and key object selections, presentation states, encapsulated documents, RT plans, structures and doses.</summary>
    private static bool NotAnImage(string sopClass) =>
        sopClass.StartsWith("1.2.840.10008.5.1.4.1.1.88.", StringComparison.Ordinal)
        || sopClass.StartsWith("1.2.840.10008.5.1.4.1.1.11.", StringComparison.Ordinal)
        || sopClass.StartsWith("1.2.840.10008.5.1.4.1.1.104.", StringComparison.Ordinal)
        || (sopClass.StartsWith("1.2.840.10008.5.1.4.1.1.481.", StringComparison.Ordinal) && sopClass != "1.2.840.10008.5.1.4.1.1.481.1");

    /// <summary>
    /// JPEG or PNG, in the client's order of preference. A multipart/related range counts as its <c>type</c> (OHIF sends
    /// <c>multipart/related; type="image/jpeg"</c> for thumbnails): a single image is still answered as one image.
    /// </summary>
    private static ImageFormat? Negotiate(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return ImageFormat.Jpeg;
        foreach (var r in MediaRange.Parse(accept))
        {
            var type = r.Type;
            if (type is "multipart/related" or "multipart/*") type = r["type"]?.ToLowerInvariant() ?? "image/jpeg";
            switch (type)
            {
                case "image/jpeg" or "image/*" or "*/*": return ImageFormat.Jpeg;
                case "image/png": return ImageFormat.Png;
            }
        }
        return null;
    }

    /// <summary>A rendered series or study: multipart/related of each renderable instance's first frame (non-image instances are left out).</summary>
    private static async Task RenderManyAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string? series)
    {
        var format = Negotiate(MediaRange.AcceptOf(http));
        if (format is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status406NotAcceptable, "rendered series and studies are available as multipart/related; type=\"image/jpeg\" or type=\"image/png\"");
            return;
        }
        RenderOptions options;
        int quality;
        try
        {
            (options, quality) = ParseQuery(http.Request.Query, 1, thumbnail: false);
        }
        catch (FormatException ex)
        {
            await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
            return;
        }
        var instances = await index.ListInstancesAsync(study, series, null, http.RequestAborted);
        if (instances.Count == 0)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "no such study or series");
            return;
        }
        await StoredObjects.EnsureKeysAsync(http, instances);
        var mediaType = format == ImageFormat.Png ? "image/png" : "image/jpeg";
        string? boundary = null;
        var body = http.Response.Body;
        foreach (var i in instances)
        {
            var image = new MemoryStream();
            await using (var stream = await blobs.OpenReadAsync(i.Blob.Id, http.RequestAborted))
            using (var file = StoredObjects.OpenImage(http, stream))
            {
                if (!file.Dataset.Contains(DicomTags.PixelData)) continue; // a report or other non-image object: nothing to render
                try
                {
                    DicomRenderer.Render(DicomPixelData.Create(file), file.Dataset, options).Save(image, format.Value, quality);
                }
                catch (DicomImagingException ex)
                {
                    if (instances.Count > 1) continue; // one image that cannot be rendered does not withhold the others
                    await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, ex.Message);
                    return;
                }
            }
            if (boundary is null)
            {
                boundary = "enamel-" + Guid.NewGuid().ToString("N");
                http.Response.ContentType = $"multipart/related; type=\"{mediaType}\"; boundary={boundary}";
            }
            await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: {mediaType}\r\n\r\n"), http.RequestAborted);
            image.Position = 0;
            await image.CopyToAsync(body, http.RequestAborted);
            await body.WriteAsync("\r\n"u8.ToArray(), http.RequestAborted);
        }
        if (boundary is null)
        {
            await Problem.WriteAsync(http, StatusCodes.Status404NotFound, "nothing in this study or series can be rendered as an image");
            return;
        }
        await body.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), http.RequestAborted);
    }

    private static (RenderOptions Options, int Quality) ParseQuery(IQueryCollection q, int frame, bool thumbnail)
    {
        if (frame < 1) throw new FormatException("frames are numbered from 1");
        var options = new RenderOptions { Frame = frame - 1 };
        if (q["window"].ToString() is { Length: > 0 } window)
        {
            var parts = window.Split(',');
            if (parts.Length is < 2 or > 3 || !TryDouble(parts[0], out var c) || !TryDouble(parts[1], out var w) || w <= 0)
                throw new FormatException("window must be center,width[,linear|linear-exact|sigmoid] with a positive width");
            VoiLutFunction? function = parts.Length == 3 ? parts[2].Trim().ToLowerInvariant() switch
            {
                "linear" => VoiLutFunction.Linear,
                "linear-exact" => VoiLutFunction.LinearExact,
                "sigmoid" => VoiLutFunction.Sigmoid,
                var f => throw new FormatException($"window function '{f}' is not linear, linear-exact or sigmoid"),
            } : null;
            options = options with { WindowCenter = c, WindowWidth = w, Function = function };
        }
        if (q["viewport"].ToString() is { Length: > 0 } viewport)
        {
            var parts = viewport.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var vw) ||
                !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var vh) || vw is < 1 or > 8192 || vh is < 1 or > 8192)
                throw new FormatException("viewport must be width,height between 1 and 8192");
            // PS3.18 8.3.5.1.3: vw,vh are the viewport's width and height; the image is fitted inside, aspect ratio kept.
            options = options with { Width = vw, Height = vh, Fit = true };
        }
        else if (thumbnail)
        {
            options = options with { Thumbnail = ThumbnailSize };
        }
        int quality = 90;
        if (q["quality"].ToString() is { Length: > 0 } qs &&
            (!int.TryParse(qs, NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
            throw new FormatException("quality must be 1..100");
        return (options, quality);
    }

    private static bool TryDouble(string s, out double d) => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d);
}
