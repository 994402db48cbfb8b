namespace Enamel.Core.Accounts;

/// <summary>
/// Server-side state of a step in progress that lives for minutes — a half-finished sign-in, a TOTP secret waiting for
/// its first code — keyed by the SHA-256 of a random handle only the browser holds. Kept in the database, so that any
/// node of a group can finish a step another node started and a restart does not drop it. Payloads hold no secret in
/// the clear (the caller seals what must stay secret). Expired entries are never returned and are purged on write.
/// </summary>
public interface IPendingStepStore
{
    /// <summary>Stores (or replaces) the entry of this kind under <paramref name="keyHash"/> until <paramref name="expires"/>.</summary>
    Task PutAsync(string kind, string keyHash, string payload, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct);

    /// <summary>Removes and returns the payload in one step (single use: of two concurrent takers one gets it); null when absent or expired.</summary>
    Task<string?> TakeAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct);

    /// <summary>The payload, left in place; null when absent or expired.</summary>
    Task<string?> PeekAsync(string kind, string keyHash, DateTimeOffset now, CancellationToken ct);

    Task RemoveAsync(string kind, string keyHash, CancellationToken ct);
}
