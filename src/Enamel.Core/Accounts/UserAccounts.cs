using System.Security.Cryptography;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Records;

namespace Enamel.Core.Accounts;

/// <summary>
/// Account administration: create (with a one-time random password), disable, reset the second factor, enrol TOTP,
/// and the first-start bootstrap of the admin account. Each change is audited by the acting user's id, in the same
/// transaction as the change (<see cref="IUnitOfWork"/>).
/// </summary>
public sealed class UserAccounts(IUserStore users, IRoleCatalog roles, PasswordHasher hasher, SecretProtector secrets, IUnitOfWork changes, TimeProvider time)
{
    public const string BootstrapUserName = "admin";
    private const string PasswordAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// <summary>A random password of 20 characters from a 54-letter alphabet (~115 bits), to be shown once.</summary>
    public static string NewPassword()
    {
        var chars = new char[20];
        for (int i = 0; i < chars.Length; i++) chars[i] = PasswordAlphabet[RandomNumberGenerator.GetInt32(PasswordAlphabet.Length)];
        return new string(chars);
    }

    /// <summary>Creates the user with a one-time password (they must change it at first sign-in); null password when the name is taken.</summary>
    public Task<(User User, string? Password)> CreateAsync(string userName, string displayName, IReadOnlyList<string> roleNames,
        IReadOnlySet<string> clinics, string byUserId, CancellationToken ct) =>
        CreateAsync(userName, displayName, roleNames, clinics, PatientLink.None, byUserId, ct);

    /// <summary>
    /// Creates the user; a patient or guardian account is linked to its own record and its dependants' (<paramref name="link"/>),
    /// which needs a role that reaches the own record (the built-in "patient" or a custom role like it). Each link is
    /// audited with the patient's key, so it appears in that patient's account of access.
    /// </summary>
    public async Task<(User User, string? Password)> CreateAsync(string userName, string displayName, IReadOnlyList<string> roleNames,
        IReadOnlySet<string> clinics, PatientLink link, string byUserId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100 || userName.Any(char.IsWhiteSpace))
            throw new ArgumentException("a user name is 1-100 characters without spaces", nameof(userName));
        var reachesOwnRecord = false;
        foreach (var r in roleNames)
        {
            var role = await roles.FindAsync(r, ct) ?? throw new ArgumentException($"unknown role '{r}' (see enamel roles list)", nameof(roleNames));
            reachesOwnRecord |= role.Reach == RoleReach.OwnRecord;
        }
        if (!link.IsEmpty && !reachesOwnRecord)
            throw new ArgumentException("a patient record can be linked only to an account with a role that reaches its own record (e.g. patient)", nameof(link));
        var password = NewPassword();
        var user = new User(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), userName, displayName, roleNames, clinics, time.GetUtcNow())
        {
            PasswordHash = hasher.Hash(password),
            MustChangePassword = true,
            PatientKey = link.Own,
            Dependants = link.Dependants,
        };
        await using var change = await changes.BeginAsync(ct);
        if (!await change.Users.AddAsync(user, ct)) return (user, null);
        await change.AuditAsync(UserEvent(byUserId, AuditAction.UserCreate, user.Id), ct);
        foreach (var patient in link.All)
            await change.AuditAsync(UserEvent(byUserId, AuditAction.UserLink, user.Id) with { PatientKey = patient, Detail = patient == link.Own ? "own-record" : "dependant" }, ct);
        await change.CommitAsync(ct);
        return (user, password);
    }

    /// <summary>First start: when there are no users at all, creates "admin" and returns its one-time password; otherwise null.</summary>
    public async Task<string?> BootstrapAsync(string defaultClinic, CancellationToken ct)
    {
        if (await users.CountAsync(ct) > 0) return null;
        var (_, password) = await CreateAsync(BootstrapUserName, "Administrator", [RoleTable.Admin], new HashSet<string> { defaultClinic }, "system", ct);
        return password;
    }

    public async Task SetPasswordAsync(User user, string newPassword, CancellationToken ct)
    {
        if (newPassword.Length < 12) throw new ArgumentException("a password has at least 12 characters", nameof(newPassword));
        var hash = hasher.Hash(newPassword);
        await using var change = await changes.BeginAsync(ct);
        await change.Users.UpdateAsync(user with { PasswordHash = hash, MustChangePassword = false, FailedLogins = 0, LockedUntil = null }, ct);
        await change.Sessions.DeleteAllForUserAsync(user.Id, ct);
        await change.AuditAsync(UserEvent(user.Id, AuditAction.PasswordChange, user.Id), ct);
        await change.CommitAsync(ct);
    }

    /// <summary>
    /// The user changes their own password, proving the current one; every session of the user ends (the caller starts a
    /// new one). False, audited as a failure, when the current password is wrong.
    /// </summary>
    public async Task<bool> ChangePasswordAsync(User user, string currentPassword, string newPassword, CancellationToken ct)
    {
        if (newPassword.Length < 12) throw new ArgumentException("a password has at least 12 characters", nameof(newPassword));
        if (!hasher.Verify(currentPassword, user.PasswordHash))
        {
            await using var change = await changes.BeginAsync(ct);
            await change.AuditAsync(UserEvent(user.Id, AuditAction.PasswordChange, user.Id) with { Outcome = AuditOutcome.Failure, Detail = "bad-current-password" }, ct);
            await change.CommitAsync(ct);
            return false;
        }
        await SetPasswordAsync(user, newPassword, ct);
        return true;
    }

    /// <summary>Disables the account and ends its sessions (its API tokens stop working too).</summary>
    public async Task DisableAsync(User user, string byUserId, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(ct);
        await change.Users.UpdateAsync(user with { Disabled = true }, ct);
        await change.Sessions.DeleteAllForUserAsync(user.Id, ct);
        await change.AuditAsync(UserEvent(byUserId, AuditAction.UserDisable, user.Id), ct);
        await change.CommitAsync(ct);
    }

    /// <summary>Removes the TOTP secret and recovery codes (a lost phone); the user enrols again at next sign-in.</summary>
    public async Task ResetMfaAsync(User user, string byUserId, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(ct);
        await change.Users.UpdateAsync(user with { TotpSecret = null, TotpLastStep = 0 }, ct);
        await change.Users.ReplaceRecoveryCodesAsync(user.Id, [], ct);
        await change.Sessions.DeleteAllForUserAsync(user.Id, ct);
        await change.AuditAsync(UserEvent(byUserId, AuditAction.MfaReset, user.Id), ct);
        await change.CommitAsync(ct);
    }

    /// <summary>Stores the secret once the user proved their app has it (a valid code); returns the recovery codes to show once.</summary>
    public async Task<IReadOnlyList<string>?> EnrolTotpAsync(User user, byte[] secret, string code, CancellationToken ct)
    {
        if (new TotpAuthenticator(time).Verify(secret, code, 0) is not { } step) return null;
        var codes = RecoveryCodes.Generate();
        await using var change = await changes.BeginAsync(ct);
        await change.Users.UpdateAsync(user with { TotpSecret = secrets.Protect(secret), TotpLastStep = step }, ct);
        await change.Users.ReplaceRecoveryCodesAsync(user.Id, [.. codes.Select(RecoveryCodes.Hash)], ct);
        await change.AuditAsync(UserEvent(user.Id, AuditAction.MfaEnrol, user.Id), ct);
        await change.CommitAsync(ct);
        return codes;
    }

    private AuditEvent UserEvent(string actorId, AuditAction action, string userId) =>
        new(time.GetUtcNow(), actorId, "", null, AuditObject.User(userId), action, AuditOutcome.Success, "", "");
}
