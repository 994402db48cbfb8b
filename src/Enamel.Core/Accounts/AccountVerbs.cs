using Enamel.Core.Access;
using Enamel.Core.Errors;

namespace Enamel.Core.Accounts;

/// <summary>
/// Account administration as verbs that decide for themselves, called by the CLI and the web alike: each takes the
/// <see cref="Actor"/>, decides with <see cref="AccessPolicy"/> (Settings:Create or Settings:Amend in the clinic the
/// caller acts in; an edge whose gate has already decided that hands its <see cref="DecidedOperation"/> over, so one
/// request leaves one decision entry), and makes its change with its audit entry in one transaction
/// (<see cref="UserAccounts"/>, <see cref="ApiTokens"/>). Refusals are Core's error kinds: <see cref="ForbiddenException"/>,
/// <see cref="NotFoundException"/>, <see cref="InvalidInputException"/>, <see cref="ConflictException"/>.
/// </summary>
public static class AccountOperations
{
    public static readonly Operation Create = new(RecordCategory.Settings, RecordAction.Create);
    public static readonly Operation Amend = new(RecordCategory.Settings, RecordAction.Amend);

    internal static async Task DecideAsync(AccessPolicy policy, DecidedOperation? decided, Actor actor, Operation operation, string clinic, string obj, string what,
        CancellationToken ct)
    {
        var decision = await policy.DecideOrReuseAsync(decided, actor, operation, ResourceScope.ForClinic(clinic, obj), Purpose.Operations, ct);
        if (!decision.Allowed) throw new ForbiddenException($"may not {what} ({operation}: {decision.Rule})");
    }

    internal static async Task<User> FindUserAsync(IUserStore users, string userName, CancellationToken ct) =>
        await users.FindByNameAsync(userName, ct) ?? throw new NotFoundException($"no user named '{userName}' (see enamel users list)");
}

/// <summary>CreateUser: a new account with a one-time password (Settings:Create in the clinic); a patient or guardian account linked to its records.</summary>
public sealed class CreateUser(UserAccounts accounts, AccessPolicy policy)
{
    /// <returns>The account and its one-time password (to be shown once).</returns>
    public async Task<(User User, string Password)> ExecuteAsync(Actor actor, string clinic, string userName, string displayName, IReadOnlyList<string> roles,
        IReadOnlySet<string> clinics, PatientLink link, DecidedOperation? decided, CancellationToken ct)
    {
        await AccountOperations.DecideAsync(policy, decided, actor, AccountOperations.Create, clinic, $"user {userName}", "create accounts", ct);
        (User User, string? Password) created;
        try { created = await accounts.CreateAsync(userName, displayName, roles, clinics, link, actor.UserId, ct); }
        catch (ArgumentException ex) { throw new InvalidInputException(ex.Message); }
        return created.Password is { } password ? (created.User, password) : throw new ConflictException($"user '{userName}' already exists");
    }
}

/// <summary>DisableUser: the account can no longer sign in; its sessions end and its API tokens stop working (Settings:Amend).</summary>
public sealed class DisableUser(IUserStore users, UserAccounts accounts, AccessPolicy policy)
{
    public async Task<User> ExecuteAsync(Actor actor, string clinic, string userName, DecidedOperation? decided, CancellationToken ct)
    {
        await AccountOperations.DecideAsync(policy, decided, actor, AccountOperations.Amend, clinic, $"user {userName}", "disable accounts", ct);
        var user = await AccountOperations.FindUserAsync(users, userName, ct);
        await accounts.DisableAsync(user, actor.UserId, ct);
        return user;
    }
}

/// <summary>ResetUserMfa: removes the account's authenticator and recovery codes (a lost phone); they enrol again (Settings:Amend).</summary>
public sealed class ResetUserMfa(IUserStore users, UserAccounts accounts, AccessPolicy policy)
{
    public async Task<User> ExecuteAsync(Actor actor, string clinic, string userName, DecidedOperation? decided, CancellationToken ct)
    {
        await AccountOperations.DecideAsync(policy, decided, actor, AccountOperations.Amend, clinic, $"user {userName}", "reset second factors", ct);
        var user = await AccountOperations.FindUserAsync(users, userName, ct);
        await accounts.ResetMfaAsync(user, actor.UserId, ct);
        return user;
    }
}

/// <summary>
/// IssueApiToken: a token for the actor's own account, scoped to operations a role of theirs permits (what the policy
/// says they can do: <see cref="AccessPolicy.CapabilitiesAsync"/>) — or, by an administrator (Settings:Create), for
/// another account. The secret is returned once and never audited.
/// </summary>
public sealed class IssueApiToken(IUserStore users, ApiTokens tokens, AccessPolicy policy)
{
    public async Task<(string Secret, ApiTokenRecord Token)> ExecuteAsync(Actor actor, string clinic, string userName, string name, IReadOnlySet<Operation> scope,
        TimeSpan? lifetime, DecidedOperation? decided, CancellationToken ct)
    {
        User user;
        if (userName == actor.UserName && await users.FindByIdAsync(actor.UserId, ct) is { } own)
        {
            user = own;
            var capabilities = await policy.CapabilitiesAsync(actor, ct);
            foreach (var operation in scope)
                if (!capabilities.Permits(operation)) throw new InvalidInputException($"{operation} is outside what your roles permit");
        }
        else
        {
            await AccountOperations.DecideAsync(policy, decided, actor, AccountOperations.Create, clinic, $"tokens of {userName}", "create API tokens for other accounts", ct);
            user = await AccountOperations.FindUserAsync(users, userName, ct);
        }
        try { return await tokens.CreateAsync(user, name, scope, lifetime, ct, actor.UserId); }
        catch (ArgumentException ex) { throw new InvalidInputException(ex.Message); }
    }
}

/// <summary>
/// RevokeApiToken: one of the actor's own tokens, or — by an administrator (Settings:Amend) — anyone's. Another
/// account's token id is "not found" for whoever may not revoke it, so nobody learns which ids exist.
/// </summary>
public sealed class RevokeApiToken(IApiTokenStore store, ApiTokens tokens, AccessPolicy policy)
{
    public async Task ExecuteAsync(Actor actor, string clinic, string tokenId, DecidedOperation? decided, CancellationToken ct)
    {
        var notFound = new NotFoundException($"no active token with id '{tokenId}'");
        if (!(await store.ListForUserAsync(actor.UserId, ct)).Any(t => t.Id == tokenId))
        {
            var decision = await policy.DecideOrReuseAsync(decided, actor, AccountOperations.Amend, ResourceScope.ForClinic(clinic, $"token {tokenId}"), Purpose.Operations, ct);
            if (!decision.Allowed) throw notFound;
        }
        if (!await tokens.RevokeAsync(tokenId, actor.UserId, ct)) throw notFound;
    }
}
