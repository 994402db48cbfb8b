using Enamel.Dicom;

namespace Enamel.Cli.Dicom;

/// <summary>Opens input files for commands, mapping failures to messages and exit codes once.</summary>
internal static class CliFile
{
    public static bool TryOpen(string path, out DicomFile file, out int exitCode, DicomReadOptions? options = null)
    {
        file = null!;
        exitCode = ExitCodes.Success;
        try
        {
            file = DicomFile.Open(path, options);
            return true;
        }
        catch (FileNotFoundException) { Console.Error.WriteLine($"E: cannot open file: {path}: no such file"); }
        catch (DirectoryNotFoundException) { Console.Error.WriteLine($"E: cannot open file: {path}: no such directory"); }
        catch (UnauthorizedAccessException) { Console.Error.WriteLine($"E: cannot open file: {path}: permission denied"); }
        catch (DicomFormatException ex) { Console.Error.WriteLine($"E: {path}: not a valid DICOM file: {ex.Message}"); }
        catch (IOException ex) { Console.Error.WriteLine($"E: cannot read file: {path}: {ex.Message}"); }
        exitCode = ExitCodes.InputError;
        return false;
    }
}
