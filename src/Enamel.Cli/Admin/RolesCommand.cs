using System.CommandLine;
using Enamel.Core.Access;

namespace Enamel.Cli.Admin;

/// <summary>`enamel roles list|show|add`: the built-in and custom roles, printed as the same letter table as RoleTable.cs.</summary>
internal static class RolesCommand
{
    public static Command Create() => new("roles", "Show roles and their permissions; define custom roles") { List(), Show(), Add() };

    private static Command List()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("list", "List roles") { data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            foreach (var r in await ctx.Get<IRoleCatalog>().ListAsync(ct))
                Console.WriteLine($"{r.Name}\t{(r.BuiltIn ? "built-in" : "custom")}\t{r.Description}");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("NAME");
        var data = AdminContext.DataOption();
        var cmd = new Command("show", "Show a role's permissions: R read, C create, A amend, E export, S share, D dispose") { name, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            if (await ctx.Get<IRoleCatalog>().FindAsync(parse.GetValue(name)!, ct) is not { } role)
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

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "role name: lower-case letters, digits and '-'; not a built-in name" };
        var permissions = new Option<string[]>("--permission")
        {
            Description = "an operation the role permits, Category:Action (repeatable), e.g. Imaging:Read",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var reach = new Option<string>("--reach") { Description = "which patients it reaches: clinic-patients (staff), clinic-only (no patient records)", DefaultValueFactory = _ => "clinic-patients" };
        var description = new Option<string?>("--description") { Description = "what the role is for (shown by roles list)" };
        var data = AdminContext.DataOption();
        var cmd = new Command("add", "Define or redefine a custom role") { name, permissions, reach, description, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var roleName = parse.GetValue(name)!;
            if (!DefineRole.IsValidName(roleName))
            {
                Console.Error.WriteLine($"E: '{roleName}' is not a role name (1-40 lower-case letters, digits, '-')");
                return ExitCodes.Usage;
            }
            var operations = new HashSet<Operation>();
            foreach (var text in (parse.GetValue(permissions) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!Operation.TryParse(text, out var op))
                {
                    Console.Error.WriteLine($"E: '{text}' is not an operation (Category:Action; categories {string.Join(", ", Enum.GetNames<RecordCategory>())}; actions {string.Join(", ", Enum.GetNames<RecordAction>())})");
                    return ExitCodes.Usage;
                }
                operations.Add(op.Value);
            }
            // Patient and external-recipient reach come from the patient's own account and from consented shares, not from a custom role.
            RoleReach? roleReach = parse.GetValue(reach) switch { "clinic-patients" => RoleReach.ClinicPatients, "clinic-only" => RoleReach.ClinicOnly, _ => null };
            if (roleReach is null)
            {
                Console.Error.WriteLine($"E: --reach must be clinic-patients or clinic-only");
                return ExitCodes.Usage;
            }
            if (RoleTable.BuiltIn.ContainsKey(roleName))
            {
                Console.Error.WriteLine($"E: '{roleName}' is a built-in role and cannot be redefined");
                return ExitCodes.Invalid;
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            await ctx.Get<DefineRole>().ExecuteAsync(ctx.Actor, ctx.Options.Clinic, roleName, operations, roleReach.Value, parse.GetValue(description), ct);
            Console.WriteLine($"role '{roleName}' saved: {operations.Count} operation(s), reach {roleReach}");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
