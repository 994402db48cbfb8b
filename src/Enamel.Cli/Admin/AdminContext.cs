using System.CommandLine;
using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Accounts;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

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

    private AdminContext(DataFolder folder, IServiceProvider services, EnamelOptions options, Actor actor, DecidedOperation decided)
    {
        Decided = decided;
        Root = folder.Root;
        Services = services;
        Policy = services.GetRequiredService<AccessPolicy>();
        Options = options;
        Actor = actor;
    }

    /// <summary>The data folder's path (its stores are composition's business: commands ask <see cref="Get{T}"/> for ports and verbs).</summary>
    public string Root { get; }

    /// <summary>The same object graph `enamel serve` runs on (<see cref="EnamelServices.AddEnamel"/>): ports and Core verbs.</summary>
    public IServiceProvider Services { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The one policy decision point, for decisions a command makes per record (e.g. import, per patient).</summary>
    public AccessPolicy Policy { get; }

    public EnamelOptions Options { get; }

    /// <summary>
    /// The policy's decision on this command (already audited): handed to the verb the command calls, which then does
    /// not decide the same operation in the same clinic again (one decision entry per command).
    /// </summary>
    public DecidedOperation Decided { get; }

    /// <summary>The clinic the command acts in (the one it was decided for).</summary>
    public string Clinic => Decided.Resource.Clinic;

    /// <summary>Who runs this command, as the policy saw it.</summary>
    public Actor Actor { get; }

    public static string ConsoleSource => "console:" + Environment.UserName;

    public static Option<string?> DataOption() => new("--data") { Description = "data folder (as for enamel serve)" };

    public static Option<string?> AsOption() => new("--as")
    {
        Description = "act as this Enamel account (its roles decide; recorded in the audit trail); default: $ENAMEL_USER, else the console operator",
    };

    /// <summary>
    /// Opens the existing data folder (never creating one, never running the server's start-up recovery: a live server's
    /// in-flight writes stay untouched) and asks the policy whether the actor may run this command; null (with the reason
    /// on stderr) when refused or the account is unknown. The command's exit code is then <see cref="ExitCodes.NotAuthorized"/>.
    /// A folder that is not an Enamel data folder raises <see cref="NotADataFolderException"/> (exit code
    /// <see cref="ExitCodes.NotADataFolder"/>, mapped once in Program).
    /// </summary>
    /// <param name="clinic">The clinic the command acts in (default <c>Enamel:Clinic</c>), e.g. the destination of a patient move.</param>
    /// <param name="create">Only <c>enamel init</c>: create the data folder when it does not exist yet.</param>
    public static async Task<AdminContext?> OpenAsync(ParseResult parse, CancellationToken ct, string? clinic = null, bool create = false)
    {
        var path = CommandPolicy.PathOf(parse);
        var options = EnamelOptions.Load(o => { if (parse.GetValue<string?>("--data") is { } d) o.DataDirectory = d; });
        try { options.ValidateShared(); }
        catch (InvalidOperationException ex) { throw new Core.Errors.InvalidInputException(ex.Message); }
        var folder = create ? await DataFolder.OpenOrCreateAsync(options, TimeProvider.System, ct) : await DataFolder.OpenExistingAsync(options, TimeProvider.System, ct);
        var services = new ServiceCollection().AddEnamel(options, folder, TimeProvider.System).BuildServiceProvider();
        var asUser = parse.GetValue<string?>("--as") ?? Environment.GetEnvironmentVariable("ENAMEL_USER");
        Actor actor;
        if (string.IsNullOrEmpty(asUser))
            actor = new Actor(ConsoleSource, Environment.UserName, ConsoleRoles, new HashSet<string> { options.Clinic }) { Source = ConsoleSource };
        else if (await services.GetRequiredService<IUserStore>().FindByNameAsync(asUser, ct) is { } user)
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
        var policy = services.GetRequiredService<AccessPolicy>();
        var decided = await policy.DecideForAsync(actor, operation.Value, ResourceScope.ForClinic(clinic ?? options.Clinic, $"cli {path}"),
            operation.Value.Category == RecordCategory.Audit ? Purpose.Compliance : Purpose.Operations, ct);
        var decision = decided.Decision;
        if (!decision.Allowed)
        {
            Console.Error.WriteLine($"E: {(asUser is { Length: > 0 } ? $"user '{asUser}'" : $"the console operator ({ConsoleSource})")} may not run '{path}' ({operation}: {decision.Rule})"
                + (actor.UserId == ConsoleSource && operation.Value.Category is not (RecordCategory.Settings or RecordCategory.Audit) ? "; use --as USER with an account whose role permits it" : ""));
            return null;
        }
        return new AdminContext(folder, services, options, actor, decided);
    }

    public async Task<User?> FindUserAsync(string name, CancellationToken ct)
    {
        var user = await Get<IUserStore>().FindByNameAsync(name, ct);
        if (user is null) Console.Error.WriteLine($"E: no user named '{name}' (see enamel users list)");
        return user;
    }
}
