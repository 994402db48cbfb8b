using System.CommandLine;
using Enamel.Cli.Dicom;

namespace Enamel.Cli;

/// <summary>The `enamel` command tree. Every command that opens the data folder is listed in <see cref="CommandPolicy"/>.</summary>
internal static class EnamelCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Enamel: a secure imaging-and-records vault for clinics");
        root.Subcommands.Add(DicomCommands.Create());
        root.Subcommands.Add(Serve.ServeCommand.Create());
        root.Subcommands.Add(Admin.InitCommand.Create());
        root.Subcommands.Add(Import.ImportCommand.Create());
        root.Subcommands.Add(Keys.KeysCommand.Create());
        root.Subcommands.Add(Patients.PatientsCommand.Create());
        root.Subcommands.Add(Admin.UsersCommand.Create());
        root.Subcommands.Add(Admin.RolesCommand.Create());
        root.Subcommands.Add(Admin.TokensCommand.Create());
        root.Subcommands.Add(Admin.AuditCommand.Create());
        root.Subcommands.Add(Verify.VerifyCommand.Create());
        return root;
    }
}
