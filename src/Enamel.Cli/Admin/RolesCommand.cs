using System.CommandLine;
using Enamel.Core.Access;

namespace Enamel.Cli.Admin;

/// <summary>`enamel roles list|show`: the built-in and custom roles, printed as the same letter table as RoleTable.cs.</summary>
internal static class RolesCommand
{
    public static Command Create() => new("roles", "Show roles and their permissions") { List(), Show() };

    private static Command List()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("list", "List roles") { data };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse.GetValue(data), ct);
            foreach (var r in await ctx.Folder.Security.Roles.ListAsync(ct))
                Console.WriteLine($"{r.Name}\t{(r.BuiltIn ? "built-in" : "custom")}\t{r.Description}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME");
        var data = AdminContext.DataOption();
        var cmd = new Command("show", "Show a role's permissions: R read, C create, A amend, E export, S share, D dispose") { name, data };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse.GetValue(data), ct);
            if (await ctx.Folder.Security.Roles.FindAsync(parse.GetValue(name)!, ct) is not { } role)
            {
                Console.Error.WriteLine($"E: no role named '{parse.GetValue(name)}' (see enamel roles list)");
                return ExitCodes.InputError;
            }
            Console.WriteLine($"{role.Name}: {role.Description}");
            Console.WriteLine($"reach: {role.Reach}");
            foreach (var category in Enum.GetValues<RecordCategory>())
            {
                var letters = new string([.. Enum.GetValues<RecordAction>().Where(a => role.Permits(new(category, a))).Select(RoleTable.Letter)]);
                Console.WriteLine($"  {category,-18}{(letters.Length == 0 ? "-" : letters)}");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }
}
