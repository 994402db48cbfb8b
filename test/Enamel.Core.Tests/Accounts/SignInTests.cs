using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;

namespace Enamel.Core.Tests.Accounts;

public sealed class SignInTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly AccountsFixture f = new();

    /// <summary>A user who has already replaced their one-time password.</summary>
    private async Task<(User User, string Password)> UserAsync(string name = "jdoe")
    {
        var (user, _) = await f.Accounts.CreateAsync(name, "J Doe", [RoleTable.Dentist], new HashSet<string> { "north" }, "admin", Ct);
        const string password = "correct horse battery";
        await f.Accounts.SetPasswordAsync(user, password, Ct);
        return ((await f.Stores.Users.FindByIdAsync(user.Id, Ct))!, password);
    }

    [Fact]
    public async Task SignIn_OneTimePassword_StartsNoSessionUntilChanged()
    {
        var (user, oneTime) = await f.Accounts.CreateAsync("newbie", "N", [RoleTable.Dentist], new HashSet<string> { "north" }, "admin", Ct);
        var first = await f.SignIn.ExecuteAsync("newbie", oneTime!, null, "10.0.0.5", Ct);
        Assert.Equal(SignInStatus.PasswordChangeRequired, first.Status);
        Assert.Null(first.SessionToken);
        Assert.Empty(await f.Sessions.ListAsync(user.Id, Ct));

        Assert.False(await f.Accounts.ChangePasswordAsync(first.User!, "wrong", "a new long password", Ct));
        Assert.True(await f.Accounts.ChangePasswordAsync(first.User!, oneTime!, "a new long password", Ct));
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("newbie", oneTime!, null, "", Ct)).Status);
        var second = await f.SignIn.ExecuteAsync("newbie", "a new long password", null, "10.0.0.5", Ct);
        Assert.Equal(SignInStatus.Success, second.Status);
        Assert.Equal([SecretToken.Hash(second.SessionToken!)], (await f.Sessions.ListAsync(user.Id, Ct)).Select(s => s.IdHash));
    }

    [Fact]
    public async Task SecondFactor_AfterPasswordStep_StartsASession_WrongCodeCountsTowardsLockout()
    {
        var (user, password) = await UserAsync();
        var secret = TotpAuthenticator.NewSecret();
        var totp = new TotpAuthenticator(f.Time);
        Assert.NotNull(await f.Accounts.EnrolTotpAsync(user, secret, totp.Compute(secret), Ct));
        f.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(SignInStatus.SecondFactorRequired, (await f.SignIn.ExecuteAsync("jdoe", password, null, "", Ct)).Status);
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.SecondFactorAsync(user.Id, "not-a-code", "", Ct)).Status);
        Assert.Equal(1, (await f.Stores.Users.FindByIdAsync(user.Id, Ct))!.FailedLogins);
        var ok = await f.SignIn.SecondFactorAsync(user.Id, totp.Compute(secret), "", Ct);
        Assert.Equal(SignInStatus.Success, ok.Status);
        Assert.NotNull(await f.Sessions.ValidateAsync(ok.SessionToken!, Ct));
        var (other, _) = await UserAsync("no-totp");
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.SecondFactorAsync(other.Id, "123456", "", Ct)).Status);
    }

    [Fact]
    public async Task SignIn_RightPassword_StartsASession()
    {
        var (user, password) = await UserAsync();
        var result = await f.SignIn.ExecuteAsync("jdoe", password, null, "10.0.0.5", Ct);
        Assert.Equal(SignInStatus.Success, result.Status);
        Assert.Equal(user.Id, (await f.Sessions.ValidateAsync(result.SessionToken!, Ct))!.Id);
        // the store never holds the token itself
        Assert.Null(await f.Stores.Sessions.FindAsync(result.SessionToken!, Ct));
        Assert.NotNull(await f.Stores.Sessions.FindAsync(SecretToken.Hash(result.SessionToken!), Ct));
    }

    [Fact]
    public async Task SignIn_BruteForce_LocksOutWithGrowingDelay()
    {
        var (_, password) = await UserAsync();
        for (int i = 1; i < f.Options.FreeAttempts; i++)
            Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", "guess" + i, null, "10.0.0.66", Ct)).Status);
        // The lock is applied (in the user record) but the caller is told only "failed", as for an unknown name.
        var locked = await f.SignIn.ExecuteAsync("jdoe", "guess-last", null, "10.0.0.66", Ct);
        Assert.Equal(SignInStatus.Failed, locked.Status);
        Assert.Equal(f.Time.GetUtcNow() + f.Options.BaseLockout, (await f.Stores.Users.FindByNameAsync("jdoe", Ct))!.LockedUntil);

        // even the right password is refused while locked, with the same answer as a wrong one
        var whileLocked = await f.SignIn.ExecuteAsync("jdoe", password, null, "10.0.0.5", Ct);
        Assert.Equal((SignInStatus.Failed, (string?)null), (whileLocked.Status, whileLocked.SessionToken));
        Assert.Equal(await f.SignIn.ExecuteAsync("nobody", password, null, "10.0.0.5", Ct), whileLocked);

        f.Time.Advance(f.Options.BaseLockout);
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", "guess-again", null, "10.0.0.66", Ct)).Status);
        Assert.Equal(f.Time.GetUtcNow() + 2 * f.Options.BaseLockout, (await f.Stores.Users.FindByNameAsync("jdoe", Ct))!.LockedUntil); // doubled

        f.Time.Advance(2 * f.Options.BaseLockout);
        Assert.Equal(SignInStatus.Success, (await f.SignIn.ExecuteAsync("jdoe", password, null, "10.0.0.5", Ct)).Status);
        Assert.Equal(0, (await f.Stores.Users.FindByNameAsync("jdoe", Ct))!.FailedLogins);

        var audit = await f.Stores.Audit.ReadAsync(1, Ct).ToListAsync();
        Assert.Contains(audit, r => r.Event.Action == "Login" && r.Event.Detail == "locked-out");
        Assert.DoesNotContain(audit, r => r.Event.Detail.Contains("guess") || r.Event.Object.Text.Contains("guess") || r.Event.Detail.Contains(password));
    }

    [Fact]
    public void LockedUntil_IsCapped()
    {
        var o = new AccountOptions();
        var t = DateTimeOffset.UnixEpoch;
        Assert.Null(o.LockedUntil(o.FreeAttempts - 1, t));
        Assert.Equal(t + o.MaxLockout, o.LockedUntil(1000, t));
    }

    [Fact]
    public async Task SignIn_UnknownUserOrDisabled_FailsTheSameWay()
    {
        var (user, password) = await UserAsync();
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("nobody", password, null, "", Ct)).Status);
        await f.Accounts.DisableAsync(user, "admin", Ct);
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", password, null, "", Ct)).Status);
    }

    [Fact]
    public async Task SignIn_WithTotp_NeedsTheCode_RejectsReplay_AcceptsRecoveryCodeOnce()
    {
        var (user, password) = await UserAsync();
        var secret = TotpAuthenticator.NewSecret();
        var totp = new TotpAuthenticator(f.Time);
        Assert.Null(await f.Accounts.EnrolTotpAsync(user, secret, "000000" == totp.Compute(secret) ? "111111" : "000000", Ct));
        var recovery = await f.Accounts.EnrolTotpAsync(user, secret, totp.Compute(secret), Ct);
        Assert.NotNull(recovery);
        Assert.Equal(10, recovery.Count);
        Assert.NotEqual(Convert.ToBase64String(secret), (await f.Stores.Users.FindByIdAsync(user.Id, Ct))!.TotpSecret); // sealed at rest

        Assert.Equal(SignInStatus.SecondFactorRequired, (await f.SignIn.ExecuteAsync("jdoe", password, null, "", Ct)).Status);
        // the enrolment code's step is used up: the same code is a replay
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", password, totp.Compute(secret), "", Ct)).Status);
        f.Time.Advance(TimeSpan.FromSeconds(30));
        var code = totp.Compute(secret);
        Assert.Equal(SignInStatus.Success, (await f.SignIn.ExecuteAsync("jdoe", password, code, "", Ct)).Status);
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", password, code, "", Ct)).Status);

        Assert.Equal(SignInStatus.Success, (await f.SignIn.ExecuteAsync("jdoe", password, recovery[0].ToLowerInvariant(), "", Ct)).Status);
        Assert.Equal(SignInStatus.Failed, (await f.SignIn.ExecuteAsync("jdoe", password, recovery[0], "", Ct)).Status);

        await f.Accounts.ResetMfaAsync((await f.Stores.Users.FindByIdAsync(user.Id, Ct))!, "admin", Ct);
        Assert.Equal(SignInStatus.Success, (await f.SignIn.ExecuteAsync("jdoe", password, null, "", Ct)).Status);
    }

    [Fact]
    public async Task Session_IdleAndAbsoluteExpiry_AndSignOutEverywhere()
    {
        var (user, password) = await UserAsync();
        var token = (await f.SignIn.ExecuteAsync("jdoe", password, null, "", Ct)).SessionToken!;
        f.Time.Advance(f.Options.SessionIdleTimeout - TimeSpan.FromSeconds(1));
        Assert.NotNull(await f.Sessions.ValidateAsync(token, Ct)); // use keeps it alive
        f.Time.Advance(f.Options.SessionIdleTimeout);
        Assert.Null(await f.Sessions.ValidateAsync(token, Ct)); // idle
        Assert.Null(await f.Sessions.ValidateAsync(token, Ct)); // and gone for good

        var busy = await f.Sessions.StartAsync(user, "", Ct);
        for (var elapsed = TimeSpan.Zero; elapsed < f.Options.SessionAbsoluteTimeout - TimeSpan.FromMinutes(10); elapsed += TimeSpan.FromMinutes(10))
        {
            Assert.NotNull(await f.Sessions.ValidateAsync(busy, Ct));
            f.Time.Advance(TimeSpan.FromMinutes(10));
        }
        f.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await f.Sessions.ValidateAsync(busy, Ct)); // absolute

        var a = await f.Sessions.StartAsync(user, "", Ct);
        var b = await f.Sessions.StartAsync(user, "", Ct);
        Assert.Equal(2, await f.Sessions.EndAllAsync(user.Id, Ct));
        Assert.Null(await f.Sessions.ValidateAsync(a, Ct));
        Assert.Null(await f.Sessions.ValidateAsync(b, Ct));
    }

    [Fact]
    public async Task Bootstrap_CreatesAdminOnce_WithAOneTimePassword()
    {
        var password = await f.Accounts.BootstrapAsync("main", Ct);
        Assert.NotNull(password);
        Assert.Equal(20, password.Length);
        Assert.Null(await f.Accounts.BootstrapAsync("main", Ct));
        var admin = await f.Stores.Users.FindByNameAsync(UserAccounts.BootstrapUserName, Ct);
        Assert.Equal([RoleTable.Admin], admin!.Roles);
        Assert.True(admin.MustChangePassword);
        Assert.DoesNotContain(password, admin.PasswordHash);
        Assert.Equal(SignInStatus.PasswordChangeRequired, (await f.SignIn.ExecuteAsync("admin", password, null, "", Ct)).Status);
        await Assert.ThrowsAsync<ArgumentException>(() => f.Accounts.CreateAsync("x", "x", ["wizard"], new HashSet<string>(), "admin", Ct));
    }

    public void Dispose() => f.Dispose();
}
