namespace Enamel.Core.Accounts;

public interface IApiTokenStore
{
    Task AddAsync(ApiTokenRecord token, CancellationToken ct);
    Task<ApiTokenRecord?> FindByHashAsync(string hash, CancellationToken ct);
    Task<IReadOnlyList<ApiTokenRecord>> ListForUserAsync(string userId, CancellationToken ct);
    /// <summary>False when no such token (or already revoked).</summary>
    Task<bool> RevokeAsync(string tokenId, DateTimeOffset when, CancellationToken ct);
}
