using System.CommandLine;
using Enamel.Core.Accounts;
using Enamel.Core.Patients;

namespace Enamel.Cli.Admin;

/// <summary>`enamel users add|list|disable|reset-mfa`: accounts in the data folder. A generated password is printed alone on stdout.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var cmd = new Command("users", "Manage user accounts") { Add(), List(), Disable(), ResetMfa() };
        return cmd;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME") { Description = "user name (sign-in name, no spaces)" };
        var roles = new Option<string[]>("--role") { Description = "role (repeatable; see enamel roles list)", Required = true, AllowMultipleArgumentsPerToken = true };
        var clinics = new Option<string[]>("--clinic") { Description = "clinic the user belongs to (repeatable)", AllowMultipleArgumentsPerToken = true };
        var display = new Option<string?>("--display-name") { Description = "name shown in the UI and audit reports" };
        var patient = new Option<string?>("--patient") { Description = "patient account: the Patient ID of the patient's own record" };
        var dependants = new Option<string[]>("--dependant") { Description = "guardian: the Patient ID of a dependant's record (repeatable)", AllowMultipleArgumentsPerToken = true };
        var issuer = new Option<string>("--issuer") { Description = "Issuer of Patient ID for --patient and --dependant", DefaultValueFactory = _ => "" };
        var data = AdminContext.DataOption();
        var cmd = new Command("add", "Add a user; prints a one-time password (changed at first sign-in)")
            { name, roles, clinics, display, patient, dependants, issuer, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var userName = parse.GetValue(name)!;
            var link = await LinkAsync(ctx, parse.GetValue(patient), parse.GetValue(dependants) ?? [], parse.GetValue(issuer)!, ct);
            if (link.Error is { } error) return error;
            try
            {
                var (_, password) = await ctx.Get<CreateUser>().ExecuteAsync(ctx.Actor, ctx.Clinic, userName, parse.GetValue(display) ?? userName, parse.GetValue(roles) ?? [],
                    new HashSet<string>(parse.GetValue(clinics) ?? []), link.Link, ctx.Decided, ct);
                if ((parse.GetValue(clinics) ?? []).Length == 0) Console.Error.WriteLine("W: no --clinic given: staff roles of this user reach no patients");
                Console.Error.WriteLine($"I: user '{userName}' added; one-time password follows (shown once)");
                Console.WriteLine(password);
                return ExitCodes.Success;
            }
            catch (Core.Errors.ConflictException ex)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return ExitCodes.Invalid; // as before the verb: a taken name is invalid input for this command
            }
            catch (Core.Errors.InvalidInputException ex)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return ExitCodes.Usage;
            }
        });
        return cmd;
    }

    /// <summary>
    /// Resolves --patient/--dependant Patient IDs to records; each must exist and belong to one of the acting user's
    /// clinics (an account is never linked to another clinic's patient).
    /// </summary>
    private static async Task<(PatientLink Link, int? Error)> LinkAsync(AdminContext ctx, string? own, string[] dependants, string issuer, CancellationToken ct)
    {
        long? ownKey = null;
        var keys = new HashSet<long>();
        foreach (var (patientId, isOwn) in dependants.Select(d => (d, false)).Prepend((own ?? "", true)).Where(p => p.Item1.Length > 0))
        {
            var record = await ctx.Get<IPatientStore>().FindByDicomIdAsync(patientId, issuer, ct);
            if (record is null)
            {
                Console.Error.WriteLine($"E: no patient with Patient ID '{patientId}'{(issuer.Length > 0 ? $" (issuer '{issuer}')" : "")} in the archive");
                return (PatientLink.None, ExitCodes.Invalid);
            }
            if (!ctx.Actor.Clinics.Contains(record.Clinic))
            {
                Console.Error.WriteLine($"E: patient '{patientId}' belongs to a clinic the acting user is not in");
                return (PatientLink.None, ExitCodes.NotAuthorized);
            }
            if (isOwn) ownKey = record.Key;
            else keys.Add(record.Key);
        }
        return (new PatientLink(ownKey, keys), null);
    }

    private static Command List()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("list", "List users with roles, clinics and status") { data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var now = DateTimeOffset.UtcNow;
            foreach (var u in await ctx.Get<IUserStore>().ListAsync(ct))
            {
                var status = new List<string>();
                if (u.Disabled) status.Add("disabled");
                if (u.LockedUntil > now) status.Add("locked");
                status.Add(u.TotpSecret is null ? "no-mfa" : "mfa");
                if (u.MustChangePassword) status.Add("must-change-password");
                if (u.PatientKey is not null || u.Dependants.Count > 0) status.Add($"patient-records:{u.Dependants.Count + (u.PatientKey is null ? 0 : 1)}");
                Console.WriteLine($"{u.UserName}\t{string.Join(',', u.Roles)}\t{string.Join(',', u.Clinics.Order())}\t{string.Join(',', status)}");
            }
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command Disable()
    {
        var name = new Argument<string>("NAME");
        var data = AdminContext.DataOption();
        var cmd = new Command("disable", "Disable a user: ends their sessions, stops their API tokens") { name, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var user = await ctx.Get<DisableUser>().ExecuteAsync(ctx.Actor, ctx.Clinic, parse.GetValue(name)!, ctx.Decided, ct);
            Console.Error.WriteLine($"I: user '{user.UserName}' disabled");
            return ExitCodes.Success;
        });
        return cmd;
    }

    private static Command ResetMfa()
    {
        var name = new Argument<string>("NAME");
        var data = AdminContext.DataOption();
        var cmd = new Command("reset-mfa", "Remove a user's authenticator and recovery codes (lost phone); they enrol again") { name, data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var user = await ctx.Get<ResetUserMfa>().ExecuteAsync(ctx.Actor, ctx.Clinic, parse.GetValue(name)!, ctx.Decided, ct);
            Console.Error.WriteLine($"I: second factor of '{user.UserName}' reset");
            return ExitCodes.Success;
        });
        return cmd;
    }
}
