using System.CommandLine;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Admin;

/// <summary>
/// What the data-folder commands share: the data folder (as for `enamel serve --data`), the account services over it, and
/// the decision of the one policy point for the command being run (<see cref="CommandPolicy"/>).
/// <para>
/// Who acts: with <c>--as USER</c> that Enamel account (its roles and clinics decide; the import of clinical images is
/// always someone's act); without it the console operator ("console:&lt;OS user&gt;"), who holds the admin and privacy
/// officer roles — settings and the audit trail, never patient records. Whoever can read the owner-only data folder
/// already holds the master key, so <c>--as</c> is attribution, not authentication: the audit entry names the account
/// and, as its source, the console user who ran the command.
/// </para>
/// </summary>
internal sealed class AdminContext
{
    private static readonly string[] ConsoleRoles = [RoleTable.Admin, RoleTable.PrivacyOfficer];

    private AdminContext(DataFolder folder, EnamelOptions options, Actor actor, AccessPolicy policy)
    {
        Policy = policy;
        Folder = folder;
        Options = options;
        Actor = actor;
        var s = folder.Security;
        Accounts = new UserAccounts(s.Users, s.Roles, new PasswordHasher(), folder.Secrets, s.Changes, TimeProvider.System);
        Tokens = new ApiTokens(s.Tokens, s.Users, s.Changes, new AccountOptions(), TimeProvider.System);
    }

    public DataFolder Folder { get; }

    /// <summary>The one policy decision point, for decisions a command makes per record (e.g. import, per patient).</summary>
    public AccessPolicy Policy { get; }
    public EnamelOptions Options { get; }
    public UserAccounts Accounts { get; }
    public ApiTokens Tokens { get; }

    /// <summary>Who runs this command, as the policy saw it.</summary>
    public Actor Actor { get; }

    /// <summary>The id recorded as the actor of account changes.</summary>
    public string ActorId => Actor.UserId;

    public static string ConsoleSource => "console:" + Environment.UserName;

    public static Option<string?> DataOption() => new("--data") { Description = "data folder (as for enamel serve)" };

    public static Option<string?> AsOption() => new("--as")
    {
        Description = "act as this Enamel account (its roles decide; recorded in the audit trail); default: $ENAMEL_USER, else the console operator",
    };

    /// <summary>
    /// Opens the data folder and asks the policy whether the actor may run this command; null (with the reason on
    /// stderr) when refused or the account is unknown. The command's exit code is then <see cref="ExitCodes.NotAuthorized"/>.
    /// </summary>
    /// <param name="clinic">The clinic the command acts in (default <c>Enamel:Clinic</c>), e.g. the destination of a patient move.</param>
    public static async Task<AdminContext?> OpenAsync(ParseResult parse, CancellationToken ct, string? clinic = null)
    {
        var path = CommandPolicy.PathOf(parse);
        var options = EnamelOptions.Load(o => { if (parse.GetValue<string?>("--data") is { } d) o.DataDirectory = d; });
        var folder = await DataFolder.OpenAsync(options, TimeProvider.System, ct);
        var asUser = parse.GetValue<string?>("--as") ?? Environment.GetEnvironmentVariable("ENAMEL_USER");
        Actor actor;
        if (string.IsNullOrEmpty(asUser))
            actor = new Actor(ConsoleSource, Environment.UserName, ConsoleRoles, new HashSet<string> { options.Clinic }) { Source = ConsoleSource };
        else if (await folder.Security.Users.FindByNameAsync(asUser, ct) is { } user)
            actor = user.ToActor(ConsoleSource);
        else
        {
            Console.Error.WriteLine($"E: no user named '{asUser}' (see enamel users list)");
            return null;
        }

        if (!CommandPolicy.Operations.TryGetValue(path, out var operation) || operation is null)
        {
            Console.Error.WriteLine($"E: '{path}' has no access policy: refused");
            return null;
        }
        var policy = new AccessPolicy(folder.Security.Roles, folder.Security.BreakGlass, folder.Security.Audit, TimeProvider.System);
        var decision = await policy.DecideAsync(actor, operation.Value, ResourceScope.ForClinic(clinic ?? options.Clinic, $"cli {path}"),
            operation.Value.Category == RecordCategory.Audit ? Purpose.Compliance : Purpose.Operations, ct);
        if (!decision.Allowed)
        {
            Console.Error.WriteLine($"E: {(asUser is { Length: > 0 } ? $"user '{asUser}'" : $"the console operator ({ConsoleSource})")} may not run '{path}' ({operation}: {decision.Rule})"
                + (actor.UserId == ConsoleSource && operation.Value.Category is not (RecordCategory.Settings or RecordCategory.Audit) ? "; use --as USER with an account whose role permits it" : ""));
            return null;
        }
        return new AdminContext(folder, options, actor, policy);
    }

    public async Task<User?> FindUserAsync(string name, CancellationToken ct)
    {
        var user = await Folder.Security.Users.FindByNameAsync(name, ct);
        if (user is null) Console.Error.WriteLine($"E: no user named '{name}' (see enamel users list)");
        return user;
    }
}
