using System.Globalization;
using Enamel.Core.Blobs;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Enamel.Server.DicomWeb;

/// <summary>
/// WADO-RS rendered resources and thumbnails (PS3.18 10.4.1.1.3, 10.4.1.1.4): window=center,width[,function],
/// viewport=w,h, quality; JPEG by default, PNG when accepted first. Only the requested frame is decoded.
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

    public static Task SeriesThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study, string series) =>
        RenderAsync(http, index, blobs, study, series, null, 1, thumbnail: true);

    public static Task StudyThumbnailAsync(HttpContext http, IStudyIndex index, IBlobStore blobs, string study) =>
        RenderAsync(http, index, blobs, study, null, null, 1, thumbnail: true);

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
            options = options with { Width = cols, Height = rows };
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
        var format = Negotiate(http.Request.Headers.Accept.ToString());
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
        // A series or study thumbnail shows its middle image.
        var chosen = instances[instances.Count / 2];
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

    private static ImageFormat? Negotiate(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return ImageFormat.Jpeg;
        if (!MediaTypeHeaderValue.TryParseList(accept.Split(','), out var ranges)) return null;
        foreach (var r in ranges.OrderByDescending(r => r.Quality ?? 1.0))
        {
            switch (r.MediaType.ToString().ToLowerInvariant())
            {
                case "image/jpeg" or "image/*" or "*/*": return ImageFormat.Jpeg;
                case "image/png": return ImageFormat.Png;
            }
        }
        return null;
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
            options = options with { Width = vw, Height = vh };
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
