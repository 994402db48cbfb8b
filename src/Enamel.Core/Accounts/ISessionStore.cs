namespace Enamel.Core.Accounts;

public interface ISessionStore
{
    Task AddAsync(SessionRecord session, CancellationToken ct);
    Task<SessionRecord?> FindAsync(string idHash, CancellationToken ct);
    Task TouchAsync(string idHash, DateTimeOffset lastSeen, CancellationToken ct);
    Task DeleteAsync(string idHash, CancellationToken ct);
    /// <summary>The user's sessions as stored (expired ones included until they are next presented), newest first.</summary>
    Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct);
    /// <summary>Sign out everywhere; returns how many sessions ended.</summary>
    Task<int> DeleteAllForUserAsync(string userId, CancellationToken ct);
}
