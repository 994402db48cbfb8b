using System.CommandLine;
using Enamel.Cli.Dicom;

var root = new RootCommand("Enamel: a secure imaging-and-records vault for clinics");
root.Subcommands.Add(DicomCommands.Create());
root.Subcommands.Add(Enamel.Cli.Serve.ServeCommand.Create());
root.Subcommands.Add(Enamel.Cli.Import.ImportCommand.Create());
root.Subcommands.Add(Enamel.Cli.Keys.KeysCommand.Create());
return root.Parse(args).Invoke();
