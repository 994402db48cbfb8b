using System.CommandLine;
using Enamel.Core.Accounts;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Admin;

/// <summary>
/// What the admin commands share: the data folder (as for `enamel serve --data`), the account services over it, and the
/// console operator's identity for the audit trail ("console:&lt;OS user&gt;"; whoever can read the owner-only data folder
/// already holds the master key, so the console is the root of trust and is audited, not authorized).
/// </summary>
internal sealed class AdminContext
{
    private AdminContext(DataFolder folder)
    {
        Folder = folder;
        var s = folder.Security;
        Accounts = new UserAccounts(s.Users, s.Sessions, s.Roles, new PasswordHasher(), folder.Secrets, s.Audit, TimeProvider.System);
        Tokens = new ApiTokens(s.Tokens, s.Users, s.Audit, new AccountOptions(), TimeProvider.System);
    }

    public DataFolder Folder { get; }
    public UserAccounts Accounts { get; }
    public ApiTokens Tokens { get; }
    public static string ActorId => "console:" + Environment.UserName;

    public static Option<string?> DataOption() => new("--data") { Description = "data folder (as for enamel serve)" };

    public static async Task<AdminContext> OpenAsync(string? data, CancellationToken ct)
    {
        var options = EnamelOptions.Load(o => { if (data is not null) o.DataDirectory = data; });
        return new AdminContext(await DataFolder.OpenAsync(options, TimeProvider.System, ct));
    }

    public async Task<User?> FindUserAsync(string name, CancellationToken ct)
    {
        var user = await Folder.Security.Users.FindByNameAsync(name, ct);
        if (user is null) Console.Error.WriteLine($"E: no user named '{name}' (see enamel users list)");
        return user;
    }
}
