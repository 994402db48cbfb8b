using System.CommandLine;

namespace Enamel.Cli.Dicom;

/// <summary>`enamel dicom …`: the toolkit's commands. Each subcommand lives in its own file.</summary>
public static class DicomCommands
{
    public static Command Create()
    {
        var dicom = new Command("dicom", "DICOM file tools: dump, json, render, transcode, validate");
        dicom.Subcommands.Add(DumpCommand.Create());
        dicom.Subcommands.Add(TranscodeCommand.Create());
        return dicom;
    }
}
