using System.CommandLine;
using Enamel.Dicom;

namespace Enamel.Cli.Dicom;

internal static class DumpCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "DICOM files to dump", Arity = ArgumentArity.OneOrMore };
        var headerOnly = new Option<bool>("--header-only") { Description = "stop before Pixel Data" };
        var cmd = new Command("dump", "Print the elements of DICOM files (like dcmdump)") { files, headerOnly };
        cmd.SetAction(parse =>
        {
            int rc = ExitCodes.Success;
            var options = parse.GetValue(headerOnly) ? DicomReadOptions.HeaderOnly : DicomReadOptions.Default;
            foreach (var path in parse.GetValue(files)!)
            {
                if (!CliFile.TryOpen(path, out var file, out var code, options)) { rc = code; continue; }
                using (file)
                {
                    try { DicomDumper.Dump(file, Console.Out); }
                    catch (DicomFormatException ex) { Console.Error.WriteLine($"E: {path}: {ex.Message}"); rc = ExitCodes.InputError; }
                }
            }
            return rc;
        });
        return cmd;
    }
}
