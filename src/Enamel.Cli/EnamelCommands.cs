using System.CommandLine;
using System.CommandLine.Invocation;
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
        root.Subcommands.Add(Records.RecordsCommand.Create());
        root.Subcommands.Add(Admin.UsersCommand.Create());
        root.Subcommands.Add(Admin.RolesCommand.Create());
        root.Subcommands.Add(Admin.TokensCommand.Create());
        root.Subcommands.Add(Admin.AuditCommand.Create());
        root.Subcommands.Add(Verify.VerifyCommand.Create());
        MapErrors(root);
        return root;
    }

    /// <summary>
    /// Core's error kinds, mapped once for the CLI: every command's action is wrapped so that an
    /// <see cref="Core.Errors.EnamelException"/> it lets escape prints its message (no patient data) as "E: …" on stderr and
    /// exits with <see cref="ExitCodes.For"/>.
    /// </summary>
    private static void MapErrors(Command command)
    {
        switch (command.Action)
        {
            case AsynchronousCommandLineAction action:
                command.SetAction(async (parse, ct) =>
                {
                    try { return await action.InvokeAsync(parse, ct); }
                    catch (Core.Errors.EnamelException e) { return Report(e); }
                });
                break;
            case SynchronousCommandLineAction action:
                command.SetAction(parse =>
                {
                    try { return action.Invoke(parse); }
                    catch (Core.Errors.EnamelException e) { return Report(e); }
                });
                break;
        }
        foreach (var sub in command.Subcommands) MapErrors(sub);
    }

    private static int Report(Core.Errors.EnamelException e)
    {
        Console.Error.WriteLine($"E: {e.Message}");
        return ExitCodes.For(e);
    }
}
