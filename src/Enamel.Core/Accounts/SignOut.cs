using Enamel.Core.Audit;

namespace Enamel.Core.Accounts;

/// <summary>Ends one session (sign-out) or all of a user's sessions (sign-out everywhere), audited by user id (never the session id).</summary>
public sealed class SignOut(Sessions sessions, IAuditLog audit, TimeProvider time)
{
    /// <summary>Ends the session; audits when it belonged to a signed-in user.</summary>
    public async Task ExecuteAsync(string sessionToken, string source, CancellationToken ct)
    {
        var user = await sessions.ValidateAsync(sessionToken, ct);
        await sessions.EndAsync(sessionToken, ct);
        if (user is not null) await AuditAsync(user.Id, "signed-out", source, ct);
    }

    /// <summary>Ends every session of the user, this one included; returns how many ended.</summary>
    public async Task<int> EverywhereAsync(string userId, string source, CancellationToken ct)
    {
        int ended = await sessions.EndAllAsync(userId, ct);
        await AuditAsync(userId, $"signed-out-everywhere; {ended} sessions", source, ct);
        return ended;
    }

    /// <summary>Ends one other session of the user (a browser left signed in elsewhere); false when it is not theirs or already ended.</summary>
    public async Task<bool> OtherSessionAsync(string userId, string reference, string source, CancellationToken ct)
    {
        if (!await sessions.EndByReferenceAsync(userId, reference, ct)) return false;
        await AuditAsync(userId, "ended-other-session", source, ct);
        return true;
    }

    private Task AuditAsync(string actorId, string detail, string source, CancellationToken ct) =>
        audit.AppendAsync(new AuditEvent(time.GetUtcNow(), actorId, "", null, AuditObject.Session, AuditAction.Logout, AuditOutcome.Success, "", source) { Detail = detail }, ct);
}
