using Enamel.Core.Audit;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Admin;

/// <summary>
/// `enamel users …` and `enamel tokens …` call Core's account verbs (CreateUser, DisableUser, ResetUserMfa, IssueApiToken,
/// RevokeApiToken), which decide with the policy and audit inside their change. The command's decision is handed to the
/// verb, so one command leaves one decision entry and one change entry, never two decisions.
/// </summary>
public sealed class AccountVerbsTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task UsersAndTokens_OneDecisionAndOneChangeEntryPerCommand()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "clerk", "billing");
        var before = await TrailAsync(data);

        var create = Enamel.Run("tokens", "create", "--user", "clerk", "--name", "ledger", "--scope", "InsuranceBilling:Read", "--data", data);
        Assert.True(create.ExitCode == 0, create.StdErr);
        var afterCreate = await TrailAsync(data);
        var created = afterCreate.Skip(before.Count).ToList();
        Assert.Equal(["Create", "TokenCreate"], created.Select(e => e.Action.Text));
        Assert.Equal(AuditOutcome.Success, created[0].Outcome);

        var tokenId = created[1].Object.Id;
        var revoke = Enamel.Run("tokens", "revoke", tokenId, "--data", data);
        Assert.True(revoke.ExitCode == 0, revoke.StdErr);
        var again = Enamel.Run("tokens", "revoke", tokenId, "--data", data);
        Assert.Equal(ExitCodes.InputError, again.ExitCode); // the verb's NotFound, mapped once
        Assert.Contains($"no active token with id '{tokenId}'", again.StdErr);

        var disable = Enamel.Run("users", "disable", "clerk", "--data", data);
        Assert.True(disable.ExitCode == 0, disable.StdErr);
        var afterDisable = await TrailAsync(data);
        Assert.Equal(["Amend", "UserDisable"], afterDisable.TakeLast(2).Select(e => e.Action.Text));

        var nobody = Enamel.Run("users", "reset-mfa", "nobody", "--data", data);
        Assert.Equal(ExitCodes.InputError, nobody.ExitCode);
        Assert.Contains("no user named 'nobody'", nobody.StdErr);

        var taken = Enamel.Run("users", "add", "clerk", "--role", "billing", "--clinic", "main", "--data", data);
        Assert.Equal(ExitCodes.Invalid, taken.ExitCode);
        Assert.Contains("already exists", taken.StdErr);
    }

    private static async Task<List<AuditEvent>> TrailAsync(string data)
    {
        var folder = await DataFolder.OpenExistingAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        return [.. (await folder.Security.Audit.ReadAsync(1, default).ToListAsync()).Select(r => r.Event)];
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
