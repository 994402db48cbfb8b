using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Validation;

namespace Enamel.Cli.Dicom;

/// <summary>`enamel dicom validate FILE...`: checks each object against its IOD and prints findings like dciodvfy.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "DICOM files to validate", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("validate", "Check DICOM files against their IOD (required attributes, VR and VM), like dciodvfy") { files };
        cmd.SetAction(parse =>
        {
            int rc = ExitCodes.Success;
            var paths = parse.GetValue(files)!;
            foreach (var path in paths)
            {
                if (!CliFile.TryOpen(path, out var file, out var code)) { rc = Math.Max(rc, code); continue; }
                using (file)
                {
                    ValidationReport report;
                    try { report = DicomValidator.Validate(file); }
                    catch (DicomFormatException ex)
                    {
                        Console.Error.WriteLine($"E: {path}: {ex.Message}");
                        rc = Math.Max(rc, ExitCodes.InputError);
                        continue;
                    }
                    if (paths.Length > 1) Console.WriteLine($"{path}:");
                    Console.WriteLine(report.IodName);
                    foreach (var finding in report.Findings) Console.WriteLine(finding);
                    if (report.HasErrors) rc = Math.Max(rc, ExitCodes.Invalid);
                }
            }
            return rc;
        });
        return cmd;
    }
}
