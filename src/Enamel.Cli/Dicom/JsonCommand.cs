using System.CommandLine;
using Enamel.Dicom;

namespace Enamel.Cli.Dicom;

/// <summary>`enamel dicom json FILE`: the dataset as DICOM JSON (PS3.18 Annex F), or with --xml as Native DICOM Model XML (PS3.19 Annex A).</summary>
internal static class JsonCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "DICOM file to convert" };
        var prefix = new Option<string?>("--bulk-data-uri-prefix")
        {
            Description = "emit BulkDataURI (prefix + element path, e.g. PREFIX7FE00010) instead of InlineBinary for binary values above the threshold",
        };
        var threshold = new Option<long>("--inline-threshold")
        {
            Description = "binary values of at most this many bytes stay inline (with --bulk-data-uri-prefix)",
            DefaultValueFactory = _ => 1024,
        };
        var xml = new Option<bool>("--xml") { Description = "write PS3.19 Native DICOM Model XML instead of JSON" };
        var cmd = new Command("json", "Write a DICOM file's dataset as DICOM JSON (or PS3.19 XML) on standard output") { file, prefix, threshold, xml };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            long limit = parse.GetValue(threshold);
            if (limit < 0)
            {
                Console.Error.WriteLine("E: --inline-threshold must not be negative");
                return ExitCodes.Usage;
            }
            var uriPrefix = parse.GetValue(prefix);
            var options = new DicomJsonWriterOptions
            {
                Indented = true,
                InlineThreshold = limit,
                BulkDataUri = uriPrefix is null ? null : (elementPath, _) => uriPrefix + elementPath,
            };
            if (!CliFile.TryOpen(path, out var dicom, out var code)) return code;
            using (dicom)
            {
                try
                {
                    using var stdout = Console.OpenStandardOutput();
                    if (parse.GetValue(xml)) DicomXmlWriter.Write(stdout, dicom.Dataset, options);
                    else DicomJsonWriter.Write(stdout, dicom.Dataset, options);
                    stdout.WriteByte((byte)'\n');
                }
                catch (DicomFormatException ex)
                {
                    Console.Error.WriteLine($"E: {path}: {ex.Message}");
                    return ExitCodes.InputError;
                }
                catch (DicomXmlException ex)
                {
                    Console.Error.WriteLine($"E: {path}: cannot write as XML: {ex.Message}");
                    return ExitCodes.Invalid;
                }
                catch (DicomTextException ex)
                {
                    Console.Error.WriteLine($"E: {path}: {ex.Message}");
                    return ExitCodes.Invalid;
                }
                catch (IOException ex)
                {
                    Console.Error.WriteLine($"E: cannot write output: {ex.Message}");
                    return ExitCodes.OutputError;
                }
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
