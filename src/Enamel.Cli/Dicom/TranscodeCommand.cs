using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Codecs;
using Enamel.Dicom.Imaging;

namespace Enamel.Cli.Dicom;

/// <summary>`enamel dicom transcode FILE --transfer-syntax TS -o OUT`: like dcmconv/dcmcrle/dcmdjpeg in one command.</summary>
internal static class TranscodeCommand
{
    private static readonly Dictionary<string, DicomTransferSyntax> ShortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["implicit"] = DicomTransferSyntax.ImplicitVRLittleEndian,
        ["explicit"] = DicomTransferSyntax.ExplicitVRLittleEndian,
        ["little"] = DicomTransferSyntax.ExplicitVRLittleEndian,
        ["big"] = DicomTransferSyntax.ExplicitVRBigEndian,
        ["explicit-big"] = DicomTransferSyntax.ExplicitVRBigEndian,
        ["deflated"] = DicomTransferSyntax.DeflatedExplicitVRLittleEndian,
        ["encapsulated-uncompressed"] = DicomTransferSyntax.EncapsulatedUncompressed,
        ["rle"] = DicomTransferSyntax.RleLossless,
        ["jpeg-baseline"] = DicomTransferSyntax.JpegBaseline,
        ["baseline"] = DicomTransferSyntax.JpegBaseline,
        ["jpeg-extended"] = DicomTransferSyntax.JpegExtended,
        ["jpeg-lossless"] = DicomTransferSyntax.JpegLosslessSV1,
        ["jpeg-lossless-sv1"] = DicomTransferSyntax.JpegLosslessSV1,
        ["jpeg-lossless-57"] = DicomTransferSyntax.JpegLossless,
        ["jpeg-ls"] = DicomTransferSyntax.JpegLsLossless,
        ["jpeg-ls-lossless"] = DicomTransferSyntax.JpegLsLossless,
        ["jpeg-ls-near"] = DicomTransferSyntax.JpegLsNearLossless,
        ["j2k"] = DicomTransferSyntax.Jpeg2000Lossless,
        ["j2k-lossless"] = DicomTransferSyntax.Jpeg2000Lossless,
        ["j2k-lossy"] = DicomTransferSyntax.Jpeg2000,
    };

    public static Command Create()
    {
        var input = new Argument<string>("FILE") { Description = "DICOM file to transcode" };
        var syntax = new Option<string>("--transfer-syntax", "-t")
        {
            Description = "target transfer syntax: a UID, a registry keyword, or one of " + string.Join(", ", ShortNames.Keys),
            Required = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "file to write", Required = true };
        var cmd = new Command("transcode", "Write a DICOM file in another transfer syntax (like dcmconv, dcmcrle, dcmdjpeg)") { input, syntax, output };
        cmd.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(syntax)!, parse.GetValue(output)!));
        return cmd;
    }

    private static int Run(string inputPath, string syntaxName, string outputPath)
    {
        if (!TryParseSyntax(syntaxName, out var target))
        {
            Console.Error.WriteLine($"E: unknown transfer syntax: {syntaxName} (use a UID, a keyword, or one of {string.Join(", ", ShortNames.Keys)})");
            return ExitCodes.Usage;
        }
        if (!CliFile.TryOpen(inputPath, out var file, out var code)) return code;
        using (file)
        {
            DicomFile result;
            try { result = DicomTranscoder.Transcode(file, target); }
            catch (DicomImagingException ex)
            {
                Console.Error.WriteLine($"E: {inputPath}: cannot transcode to {target.Name}: {ex.Message}");
                return ExitCodes.Invalid;
            }
            return Save(result, inputPath, outputPath, target);
        }
    }

    /// <summary>Writes to a temporary file beside the output and moves it into place, so a failure leaves no half-written file.</summary>
    private static int Save(DicomFile result, string inputPath, string outputPath, DicomTransferSyntax target)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outputPath))!, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            result.Save(temp);
            File.Move(temp, outputPath, overwrite: true);
            return ExitCodes.Success;
        }
        catch (DicomImagingException ex)
        {
            Console.Error.WriteLine($"E: {inputPath}: cannot transcode to {target.Name}: {ex.Message}");
            return ExitCodes.Invalid;
        }
        catch (DicomFormatException ex)
        {
            Console.Error.WriteLine($"E: {inputPath}: {ex.Message}");
            return ExitCodes.InputError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"E: cannot write file: {outputPath}: {ex.Message}");
            return ExitCodes.OutputError;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    internal static bool TryParseSyntax(string name, out DicomTransferSyntax syntax)
    {
        name = name.Trim();
        if (ShortNames.TryGetValue(name, out syntax!)) return true;
        var registered = DicomUids.All.FirstOrDefault(u => u.IsTransferSyntax &&
            (u.Value == name || string.Equals(u.Keyword, name, StringComparison.OrdinalIgnoreCase)));
        if (registered is null) return false;
        syntax = DicomTransferSyntax.FromUid(registered.Value);
        return true;
    }
}
