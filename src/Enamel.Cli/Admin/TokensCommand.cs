using System.CommandLine;
using Enamel.Core.Access;
using Enamel.Core.Accounts;

namespace Enamel.Cli.Admin;

/// <summary>`enamel tokens create|revoke|list`: API tokens. A created token is printed alone on stdout, once.</summary>
internal static class TokensCommand
{
    public static Command Create() => new("tokens", "Manage API tokens") { CreateToken(), Revoke(), List() };

    private static Command CreateToken()
    {
        var user = new Option<string>("--user") { Description = "the user the token acts for", Required = true };
        var name = new Option<string>("--name") { Description = "what the token is for (e.g. cbct-unit)", Required = true };
        var scope = new Option<string[]>("--scope") { Description = "operations, e.g. Imaging:Read Imaging:Create (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var days = new Option<int>("--days") { Description = "lifetime in days (default 90, at most 366)", DefaultValueFactory = _ => 90 };
        var data = AdminContext.DataOption();
        var cmd = new Command("create", "Create an API token; prints it once") { user, name, scope, days, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var operations = new HashSet<Operation>();
            foreach (var s in (parse.GetValue(scope) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (!Operation.TryParse(s, out var op))
                {
                    Console.Error.WriteLine($"E: '{s}' is not an operation (Category:Action, e.g. Imaging:Read)");
                    return ExitCodes.Usage;
                }
                operations.Add(op.Value);
            }
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            try
            {
                var userName = parse.GetValue(user)!;
                var (secret, token) = await ctx.Get<IssueApiToken>().ExecuteAsync(ctx.Actor, ctx.Clinic, userName, parse.GetValue(name)!, operations,
                    TimeSpan.FromDays(parse.GetValue(days)), ctx.Decided, ct);
                Console.Error.WriteLine($"I: token {token.Id} for '{userName}' expires {token.Expires:yyyy-MM-dd}; the token follows (shown once)");
                Console.WriteLine(secret);
                return ExitCodes.Success;
            }
            catch (Core.Errors.InvalidInputException ex)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return cmd;
    }

    private static Command Revoke()
    {
        var id = new Argument<string>("ID") { Description = "token id (from tokens create or tokens list)" };
        var data = AdminContext.DataOption();
        var cmd = new Command("revoke", "Revoke an API token") { id, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            await ctx.Get<RevokeApiToken>().ExecuteAsync(ctx.Actor, ctx.Clinic, parse.GetValue(id)!, ctx.Decided, ct); // unknown id: NotFound, exit 2
            Console.Error.WriteLine($"I: token {parse.GetValue(id)} revoked");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command List()
    {
        var user = new Option<string>("--user") { Description = "whose tokens", Required = true };
        var data = AdminContext.DataOption();
        var cmd = new Command("list", "List a user's API tokens (never the secrets)") { user, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            if (await ctx.FindUserAsync(parse.GetValue(user)!, ct) is not { } u) return ExitCodes.InputError;
            foreach (var t in await ctx.Get<IApiTokenStore>().ListForUserAsync(u.Id, ct))
                Console.WriteLine($"{t.Id}\t{t.Name}\t{string.Join(',', t.Scope.Select(o => o.ToString()).Order())}\texpires {t.Expires:yyyy-MM-dd}" +
                    (t.Revoked is { } r ? $"\trevoked {r:yyyy-MM-dd}" : ""));
            return ExitCodes.Success;
        });
        return cmd;
    }
}
