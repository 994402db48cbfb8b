using System.CommandLine;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Admin;

/// <summary>
/// `enamel init`: creates a data folder (master key, database, TLS certificate) without serving it. Besides `serve`, the
/// only command that creates one: every other command refuses a folder that is not an Enamel data folder (exit 7), so a
/// mistyped --data never becomes a new, empty vault. The first `serve` creates the admin account, as on any first start.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("init", "Create an Enamel data folder (master key, database, certificate) without starting the server") { data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = EnamelOptions.Load(o => { if (parse.GetValue(data) is { } d) o.DataDirectory = d; });
            bool existed = File.Exists(Path.Combine(Path.GetFullPath(options.DataDirectory), "master.key"));
            var ctx = await AdminContext.OpenAsync(parse, ct, create: true);
            if (ctx is null) return ExitCodes.NotAuthorized;
            Console.WriteLine(existed ? $"{ctx.Root} is already an Enamel data folder: nothing changed" : $"created the Enamel data folder {ctx.Root}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
