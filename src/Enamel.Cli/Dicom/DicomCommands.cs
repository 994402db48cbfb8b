using System.CommandLine;

namespace Enamel.Cli.Dicom;

/// <summary>`enamel dicom …`: the toolkit's commands. Each subcommand lives in its own file.</summary>
public static class DicomCommands
{
    public static Command Create()
    {
        var dicom = new Command("dicom", "DICOM file tools: dump, json, render, transcode, validate");
        dicom.Subcommands.Add(DumpCommand.Create());
        dicom.Subcommands.Add(JsonCommand.Create());
        dicom.Subcommands.Add(RenderCommand.Create());
        dicom.Subcommands.Add(EchoCommand.Create());
        dicom.Subcommands.Add(SendCommand.Create());
        dicom.Subcommands.Add(FindCommand.Create());
        dicom.Subcommands.Add(MoveCommand.Create());
        dicom.Subcommands.Add(GetCommand.Create());
        dicom.Subcommands.Add(ScpCommand.Create());
        dicom.Subcommands.Add(ValidateCommand.Create());
        dicom.Subcommands.Add(TranscodeCommand.Create());
        return dicom;
    }
}
