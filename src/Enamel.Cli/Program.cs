using System.CommandLine;
using Enamel.Cli.Dicom;

var root = new RootCommand("Enamel: a secure imaging-and-records vault for clinics");
root.Subcommands.Add(DicomCommands.Create());
root.Subcommands.Add(Enamel.Cli.Serve.ServeCommand.Create());
root.Subcommands.Add(Enamel.Cli.Import.ImportCommand.Create());
root.Subcommands.Add(Enamel.Cli.Keys.KeysCommand.Create());
root.Subcommands.Add(Enamel.Cli.Admin.UsersCommand.Create());
root.Subcommands.Add(Enamel.Cli.Admin.RolesCommand.Create());
root.Subcommands.Add(Enamel.Cli.Admin.TokensCommand.Create());
root.Subcommands.Add(Enamel.Cli.Admin.AuditCommand.Create());
return root.Parse(args).Invoke();
