using System.CommandLine;
using System.Globalization;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;

namespace Enamel.Cli.Dicom;

internal static class RenderCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "DICOM file to render" };
        var frame = new Option<int>("--frame") { Description = "frame number, from 1 (default 1)", DefaultValueFactory = _ => 1 };
        var window = new Option<string?>("--window") { Description = "window center and width, e.g. 40,400 (overrides the file's windows)" };
        var voiIndex = new Option<int?>("--voi-index") { Description = "use the file's N-th window or VOI LUT, from 1 (default: the first, else min-max)" };
        var voi = new Option<string>("--voi") { Description = "auto (file window or VOI LUT, else min-max), minmax, none (full stored range)", DefaultValueFactory = _ => "auto" };
        var function = new Option<string?>("--function") { Description = "VOI LUT Function override: linear, linear-exact, sigmoid" };
        var size = new Option<string?>("--size") { Description = "output size WxH; W or xH alone keeps the aspect ratio" };
        var thumbnail = new Option<int?>("--thumbnail") { Description = "thumbnail whose longest side is N pixels" };
        var format = new Option<string?>("--format") { Description = "png, jpeg or tiff (default: from the output file's extension)" };
        var bits = new Option<int>("--bits") { Description = "8 or 16 bits per sample (16: PNG and TIFF only)", DefaultValueFactory = _ => 8 };
        var quality = new Option<int>("--quality") { Description = "JPEG quality 1-100", DefaultValueFactory = _ => 90 };
        var output = new Option<string>("--output", "-o") { Description = "output image file", Required = true };
        var cmd = new Command("render", "Render a frame to PNG, JPEG or TIFF (Modality LUT, VOI window/LUT, MONOCHROME1, palette, YBR)")
        {
            file, frame, window, voiIndex, voi, function, size, thumbnail, format, bits, quality, output,
        };
        cmd.SetAction(parse =>
        {
            var outPath = parse.GetValue(output)!;
            if (!TryBuildOptions(parse, out var options, out var imageFormat)) return ExitCodes.Usage;

            static bool Fail(string message)
            {
                Console.Error.WriteLine($"E: {message}");
                return false;
            }

            bool TryBuildOptions(ParseResult p, out RenderOptions opts, out ImageFormat fmt)
            {
                opts = RenderOptions.Default;
                fmt = ImageFormat.Png;
                var formatText = p.GetValue(format) ?? Path.GetExtension(outPath).TrimStart('.');
                ImageFormat? parsedFormat = formatText.ToLowerInvariant() switch
                {
                    "png" => ImageFormat.Png,
                    "jpeg" or "jpg" => ImageFormat.Jpeg,
                    "tiff" or "tif" => ImageFormat.Tiff,
                    _ => null,
                };
                if (parsedFormat is null) return Fail($"unknown output format '{formatText}': use --format png, jpeg or tiff");
                fmt = parsedFormat.Value;
                opts = new RenderOptions { Frame = p.GetValue(frame) - 1, Bits = p.GetValue(bits), Thumbnail = p.GetValue(thumbnail) };
                if (opts.Frame < 0) return Fail("--frame counts from 1");
                if (opts.Bits is not (8 or 16)) return Fail("--bits must be 8 or 16");
                if (opts.Thumbnail is <= 0) return Fail("--thumbnail must be positive");
                switch (p.GetValue(voi)!.ToLowerInvariant())
                {
                    case "auto": break;
                    case "minmax": opts = opts with { Voi = VoiMode.MinMax }; break;
                    case "none": opts = opts with { Voi = VoiMode.None }; break;
                    default: return Fail("--voi must be auto, minmax or none");
                }
                if (p.GetValue(voiIndex) is { } n)
                {
                    if (n < 1) return Fail("--voi-index counts from 1");
                    opts = opts with { VoiIndex = n - 1 };
                }
                if (p.GetValue(window) is { } w)
                {
                    var parts = w.Split(',');
                    if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var c)
                        || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var width))
                        return Fail($"--window '{w}' is not CENTER,WIDTH");
                    opts = opts with { Voi = VoiMode.Window, WindowCenter = c, WindowWidth = width };
                }
                if (p.GetValue(function) is { } f)
                {
                    VoiLutFunction? fn = f.ToLowerInvariant() switch
                    {
                        "linear" => VoiLutFunction.Linear,
                        "linear-exact" or "linear_exact" => VoiLutFunction.LinearExact,
                        "sigmoid" => VoiLutFunction.Sigmoid,
                        _ => null,
                    };
                    if (fn is null) return Fail("--function must be linear, linear-exact or sigmoid");
                    opts = opts with { Function = fn };
                }
                if (p.GetValue(size) is { } s)
                {
                    var wh = s.ToLowerInvariant().Split('x');
                    int? sw = wh.Length >= 1 && wh[0].Length > 0 && int.TryParse(wh[0], CultureInfo.InvariantCulture, out var a) ? a : null;
                    int? sh = wh.Length == 2 && wh[1].Length > 0 && int.TryParse(wh[1], CultureInfo.InvariantCulture, out var b) ? b : null;
                    if (wh.Length > 2 || (sw is null && sh is null) || sw <= 0 || sh <= 0) return Fail($"--size '{s}' is not WxH, W or xH");
                    opts = opts with { Width = sw, Height = sh };
                }
                return true;
            }

            if (!CliFile.TryOpen(parse.GetValue(file)!, out var dicom, out var code)) return code;
            using (dicom)
            {
                int frames = Math.Max(1, dicom.Dataset.GetInt32(DicomTags.NumberOfFrames, 1));
                if (options.Frame >= frames)
                {
                    Console.Error.WriteLine($"E: --frame {options.Frame + 1}: {parse.GetValue(file)} has {frames} frame(s)");
                    return ExitCodes.Usage;
                }
                RenderedImage image;
                try
                {
                    image = DicomRenderer.Render(dicom, options);
                }
                catch (DicomImagingException ex)
                {
                    Console.Error.WriteLine($"E: cannot render {parse.GetValue(file)} ({dicom.TransferSyntax.Name}): {ex.Message}");
                    return ExitCodes.Invalid;
                }
                catch (DicomFormatException ex)
                {
                    Console.Error.WriteLine($"E: {parse.GetValue(file)}: {ex.Message}");
                    return ExitCodes.InputError;
                }
                try
                {
                    using var stream = new FileStream(outPath, FileMode.Create, FileAccess.Write);
                    image.Save(stream, imageFormat, parse.GetValue(quality));
                }
                catch (DicomImagingException ex)
                {
                    File.Delete(outPath);
                    Console.Error.WriteLine($"E: cannot write {outPath}: {ex.Message}");
                    return ExitCodes.OutputError;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"E: cannot write {outPath}: {ex.Message}");
                    return ExitCodes.OutputError;
                }
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
