using Enamel.Core.Audit;
using Enamel.Core.Records;

namespace Enamel.Core.Accounts;

/// <summary>
/// Password (+ second factor) sign-in with lockout: after <see cref="AccountOptions.FreeAttempts"/> consecutive failures
/// the account is locked for an exponentially growing time; while locked, no password is accepted. A locked account's
/// answer is <see cref="SignInStatus.Failed"/>, the same as an unknown name's or a wrong password's (no user enumeration:
/// the lock is kept in the user record and the audit trail, never told to the caller). Every attempt is audited (never with the password or the entered code). An account that must change its password gets no session:
/// <see cref="SignInStatus.PasswordChangeRequired"/>, and <see cref="StartSessionAsync"/> once the password is changed.
/// Each attempt that writes commits its writes with its audit entry in one change (<see cref="IUnitOfWork"/>): the failure
/// count and lock with the failed attempt's entry; the counter reset, a used recovery code, the session with the
/// sign-in's entry. An attempt that writes nothing (unknown name, locked, disabled) only appends its entry.
/// </summary>
public sealed class SignIn(IUserStore users, Sessions sessions, PasswordHasher hasher, SecretProtector secrets, IAuditLog audit, IUnitOfWork changes,
    AccountOptions options, TimeProvider time)
{
    private readonly Lazy<string> dummyHash = new(() => hasher.Hash("not a password"));

    public async Task<SignInResult> ExecuteAsync(string userName, string password, string? secondFactor, string source, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var user = await users.FindByNameAsync(userName, ct);
        if (user is null)
        {
            hasher.Verify(password, dummyHash.Value); // same work as for a real account: no user-name probing by timing
            await AuditAsync("unknown", AuditOutcome.Failure, "unknown-user", source, ct);
            return new SignInResult(SignInStatus.Failed);
        }
        if (user.LockedUntil is { } until && until > now)
        {
            // The password is not accepted while locked, but it costs the same work and fails the same way as an unknown
            // name: the answer never tells a locked (so existing) account from one that does not exist.
            hasher.Verify(password, user.PasswordHash);
            await AuditAsync(user.Id, AuditOutcome.Denied, "locked-out", source, ct);
            return new SignInResult(SignInStatus.Failed);
        }
        if (!hasher.Verify(password, user.PasswordHash))
        {
            await using var change = await changes.BeginAsync(ct);
            return await FailAsync(change, user, "bad-password", source, ct);
        }
        if (user.Disabled)
        {
            await AuditAsync(user.Id, AuditOutcome.Denied, "account-disabled", source, ct);
            return new SignInResult(SignInStatus.Failed);
        }
        if (hasher.NeedsRehash(user.PasswordHash))
        {
            user = user with { PasswordHash = hasher.Hash(password) };
            await users.UpdateAsync(user, ct);
        }
        return await SecondFactorAsync(user, secondFactor, source, ct);
    }

    /// <summary>
    /// The second step of a two-step sign-in: the user (whose password was verified by <see cref="ExecuteAsync"/>
    /// moments ago, the caller keeping only their id) enters a TOTP or recovery code. Lockout and auditing as above.
    /// </summary>
    public async Task<SignInResult> SecondFactorAsync(string userId, string secondFactor, string source, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(userId, ct);
        if (user is null) return new SignInResult(SignInStatus.Failed);
        if (user.LockedUntil is { } until && until > time.GetUtcNow())
        {
            await AuditAsync(user.Id, AuditOutcome.Denied, "locked-out", source, ct);
            return new SignInResult(SignInStatus.Failed);
        }
        if (user.Disabled)
        {
            await AuditAsync(user.Id, AuditOutcome.Denied, "account-disabled", source, ct);
            return new SignInResult(SignInStatus.Failed);
        }
        if (user.TotpSecret is null) return new SignInResult(SignInStatus.Failed); // nothing to complete
        return await SecondFactorAsync(user, secondFactor, source, ct);
    }

    /// <summary>Starts a session for a user whose identity was just proven (after the forced password change) and audits the sign-in, together.</summary>
    public async Task<string> StartSessionAsync(User user, string source, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(ct);
        var token = await sessions.StartAsync(change, user, source, ct);
        await change.AuditAsync(Entry(user.Id, AuditOutcome.Success, "signed-in", source), ct);
        await change.CommitAsync(ct);
        return token;
    }

    private async Task<SignInResult> SecondFactorAsync(User user, string? secondFactor, string source, CancellationToken ct)
    {
        if (user.TotpSecret is not null && string.IsNullOrWhiteSpace(secondFactor))
        {
            await AuditAsync(user.Id, AuditOutcome.Success, "second-factor-required", source, ct);
            return new SignInResult(SignInStatus.SecondFactorRequired, user);
        }

        // The code's use (a recovery code consumed), the counter reset or the failure count, the session and the entry: one change.
        await using var change = await changes.BeginAsync(ct);
        long lastStep = user.TotpLastStep;
        if (user.TotpSecret is not null)
        {
            if (await VerifySecondFactorAsync(change.Users, user, user.TotpSecret, secondFactor!, ct) is not { } step)
                return await FailAsync(change, user, "bad-second-factor", source, ct);
            lastStep = step;
        }

        user = user with { FailedLogins = 0, LockedUntil = null, TotpLastStep = lastStep };
        await change.Users.UpdateAsync(user, ct);
        if (user.MustChangePassword)
        {
            await change.AuditAsync(Entry(user.Id, AuditOutcome.Success, "password-change-required", source), ct);
            await change.CommitAsync(ct);
            return new SignInResult(SignInStatus.PasswordChangeRequired, user);
        }
        var token = await sessions.StartAsync(change, user, source, ct);
        await change.AuditAsync(Entry(user.Id, AuditOutcome.Success, "signed-in", source), ct);
        await change.CommitAsync(ct);
        return new SignInResult(SignInStatus.Success, user, token);
    }

    /// <summary>
    /// A signed-in user proves their current second factor again (before replacing their authenticator): a TOTP code
    /// (never a step already used) or a recovery code (used up). A wrong code counts towards the lockout like a sign-in
    /// failure; false when wrong, when the account has no second factor, or while it is locked.
    /// </summary>
    public async Task<bool> ConfirmSecondFactorAsync(User user, string code, string source, CancellationToken ct)
    {
        if (await users.FindByIdAsync(user.Id, ct) is not { TotpSecret: { } sealedSecret } current) return false;
        if (current.LockedUntil is { } until && until > time.GetUtcNow()) return false;
        await using var change = await changes.BeginAsync(ct);
        if (await VerifySecondFactorAsync(change.Users, current, sealedSecret, code, ct) is not { } step)
        {
            await FailAsync(change, current, "bad-second-factor-confirmation", source, ct);
            return false;
        }
        await change.Users.UpdateAsync(current with { TotpLastStep = step, FailedLogins = 0 }, ct);
        await change.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// As <see cref="ConfirmSecondFactorAsync"/>, for an act that needs the user present now (break-glass): the proof, or
    /// null when the code is wrong (counted towards the lockout), the account has no second factor, or it is locked.
    /// </summary>
    public async Task<Access.SecondFactorProof?> ProveSecondFactorAsync(User user, string code, string source, CancellationToken ct) =>
        await ConfirmSecondFactorAsync(user, code, source, ct) ? new Access.SecondFactorProof(user.Id, time.GetUtcNow()) : null;

    /// <summary>
    /// A TOTP code for a step after the last one used, or an unused recovery code (consumed here): the TOTP step to store
    /// as the last used (unchanged for a recovery code); null when the code is neither.
    /// </summary>
    private async Task<long?> VerifySecondFactorAsync(IUserStore inChange, User user, string sealedSecret, string code, CancellationToken ct) =>
        new TotpAuthenticator(time).Verify(secrets.Unprotect(sealedSecret), code, user.TotpLastStep) is { } step ? step
        : await inChange.ConsumeRecoveryCodeAsync(user.Id, RecoveryCodes.Hash(code), ct) ? user.TotpLastStep
        : null;

    /// <summary>The failure count (and lock) and the failed attempt's entry, committed together in <paramref name="change"/>.</summary>
    private async Task<SignInResult> FailAsync(IChangeScope change, User user, string rule, string source, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        int failures = user.FailedLogins + 1;
        var locked = options.LockedUntil(failures, now);
        await change.Users.UpdateAsync(user with { FailedLogins = failures, LockedUntil = locked }, ct);
        await change.AuditAsync(Entry(user.Id, AuditOutcome.Failure, locked is null ? rule : $"{rule}; locked until {AuditChain.FormatTime(locked.Value)}", source), ct);
        await change.CommitAsync(ct);
        return new SignInResult(SignInStatus.Failed); // locked or not, the caller is told the same (the lock is in the store and the audit)
    }

    private Task AuditAsync(string actorId, AuditOutcome outcome, string detail, string source, CancellationToken ct) =>
        audit.AppendAsync(Entry(actorId, outcome, detail, source), ct);

    private AuditEvent Entry(string actorId, AuditOutcome outcome, string detail, string source) =>
        new(time.GetUtcNow(), actorId, "", null, AuditObject.Session, AuditAction.Login, outcome, "", source) { Detail = detail };
}
