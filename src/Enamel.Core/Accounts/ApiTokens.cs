using System.Security.Cryptography;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Records;

namespace Enamel.Core.Accounts;

/// <summary>
/// API tokens for scripts and integrations: a 256-bit secret shown once ("ent_…"), stored as SHA-256, scoped to a set of
/// operations (the policy still applies the user's roles: a token never grants more than its user has), expiring and revocable.
/// </summary>
public sealed class ApiTokens(IApiTokenStore store, IUserStore users, IUnitOfWork changes, AccountOptions options, TimeProvider time)
{
    public async Task<(string Secret, ApiTokenRecord Token)> CreateAsync(User user, string name, IReadOnlySet<Operation> scope, TimeSpan? lifetime,
        CancellationToken ct, string? byUserId = null)
    {
        var life = lifetime ?? options.DefaultTokenLifetime;
        if (life <= TimeSpan.Zero || life > options.MaxTokenLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, $"token lifetime must be between 0 and {options.MaxTokenLifetime.TotalDays} days");
        if (scope.Count == 0) throw new ArgumentException("a token needs at least one operation in its scope", nameof(scope));
        var secret = SecretToken.New("ent_");
        var now = time.GetUtcNow();
        var token = new ApiTokenRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), SecretToken.Hash(secret), user.Id, name, scope, now, now + life);
        await using var change = await changes.BeginAsync(ct);
        await change.Tokens.AddAsync(token, ct);
        await change.AuditAsync(TokenEvent(byUserId ?? user.Id, AuditAction.TokenCreate, token.Id), ct);
        await change.CommitAsync(ct);
        return (secret, token);
    }

    /// <summary>The actor the token acts as (narrowed to its scope), or null when unknown, expired, revoked or the user disabled.</summary>
    public async Task<Actor?> AuthenticateAsync(string secret, string source, CancellationToken ct)
    {
        var token = await store.FindByHashAsync(SecretToken.Hash(secret), ct);
        if (token is null || token.Revoked is not null || time.GetUtcNow() >= token.Expires) return null;
        var user = await users.FindByIdAsync(token.UserId, ct);
        return user is null || user.Disabled ? null : user.ToActor(source, token.Scope);
    }

    public async Task<bool> RevokeAsync(string tokenId, string byUserId, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(ct);
        if (!await change.Tokens.RevokeAsync(tokenId, time.GetUtcNow(), ct)) return false;
        await change.AuditAsync(TokenEvent(byUserId, AuditAction.TokenRevoke, tokenId), ct);
        await change.CommitAsync(ct);
        return true;
    }

    private AuditEvent TokenEvent(string actorId, AuditAction action, string tokenId) =>
        new(time.GetUtcNow(), actorId, "", null, AuditObject.ApiToken(tokenId), action, AuditOutcome.Success, "", "");
}
