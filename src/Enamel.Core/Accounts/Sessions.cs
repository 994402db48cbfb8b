namespace Enamel.Core.Accounts;

/// <summary>
/// Sign-in sessions: the client holds a 256-bit random id, the store only its SHA-256. A session ends after
/// <see cref="AccountOptions.SessionIdleTimeout"/> without use or <see cref="AccountOptions.SessionAbsoluteTimeout"/>
/// after sign-in, at sign-out, at sign-out-everywhere, and when the account is disabled.
/// </summary>
public sealed class Sessions(ISessionStore store, IUserStore users, AccountOptions options, TimeProvider time)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public Task<string> StartAsync(User user, string source, CancellationToken ct) => StartAsync(store, user, source, ct);

    /// <summary>Starts the session inside <paramref name="change"/> (it exists only if the change commits: with the sign-in's audit entry).</summary>
    public Task<string> StartAsync(Records.IChangeScope change, User user, string source, CancellationToken ct) => StartAsync(change.Sessions, user, source, ct);

    private async Task<string> StartAsync(ISessionStore sessions, User user, string source, CancellationToken ct)
    {
        var token = SecretToken.New("ens_");
        var now = time.GetUtcNow();
        await sessions.AddAsync(new SessionRecord(SecretToken.Hash(token), user.Id, now, now, source), ct);
        return token;
    }

    /// <summary>The signed-in user, or null when the session is unknown, expired or the account disabled.</summary>
    public async Task<User?> ValidateAsync(string token, CancellationToken ct)
    {
        var hash = SecretToken.Hash(token);
        var session = await store.FindAsync(hash, ct);
        if (session is null) return null;
        var now = time.GetUtcNow();
        if (now - session.LastSeen >= options.SessionIdleTimeout || now - session.Created >= options.SessionAbsoluteTimeout)
        {
            await store.DeleteAsync(hash, ct);
            return null;
        }
        var user = await users.FindByIdAsync(session.UserId, ct);
        if (user is null || user.Disabled)
        {
            await store.DeleteAsync(hash, ct);
            return null;
        }
        // One write a minute at most, not one per request; the idle timeout is exact to that minute.
        if (now - session.LastSeen >= TouchInterval) await store.TouchAsync(hash, now, ct);
        return user;
    }

    /// <summary>The user's live sessions (expired ones left out), newest first.</summary>
    public async Task<IReadOnlyList<SessionRecord>> ListAsync(string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return [.. (await store.ListForUserAsync(userId, ct))
            .Where(s => now - s.LastSeen < options.SessionIdleTimeout && now - s.Created < options.SessionAbsoluteTimeout)];
    }

    public Task EndAsync(string token, CancellationToken ct) => store.DeleteAsync(SecretToken.Hash(token), ct);

    public Task<int> EndAllAsync(string userId, CancellationToken ct) => store.DeleteAllForUserAsync(userId, ct);

    /// <summary>Ends the user's own session named by <see cref="SessionRecord.Reference"/>; false when the user has none by that reference.</summary>
    public async Task<bool> EndByReferenceAsync(string userId, string reference, CancellationToken ct)
    {
        if (reference.Length != 16) return false;
        var session = (await store.ListForUserAsync(userId, ct)).FirstOrDefault(s => s.Reference == reference);
        if (session is null) return false;
        await store.DeleteAsync(session.IdHash, ct);
        return true;
    }
}
