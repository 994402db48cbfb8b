namespace Enamel.Core.Accounts;

public interface IUserStore
{
    /// <summary>Adds a user; false when the user name is taken.</summary>
    Task<bool> AddAsync(User user, CancellationToken ct);
    Task<User?> FindByNameAsync(string userName, CancellationToken ct);
    Task<User?> FindByIdAsync(string id, CancellationToken ct);
    Task<IReadOnlyList<User>> ListAsync(CancellationToken ct);
    Task<long> CountAsync(CancellationToken ct);
    /// <summary>Saves every field of the user (roles, clinics and dependants included).</summary>
    Task UpdateAsync(User user, CancellationToken ct);

    /// <summary>Replaces the user's recovery codes (SHA-256 hashes).</summary>
    Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> codeHashes, CancellationToken ct);
    /// <summary>Removes the code if the user has it; true when it was there (each code works once).</summary>
    Task<bool> ConsumeRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct);
}
