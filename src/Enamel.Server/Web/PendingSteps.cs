using Enamel.Core.Accounts;

namespace Enamel.Server.Web;

/// <summary>
/// One kind of short-lived server-side state (a half-finished sign-in, a TOTP secret waiting for its first code) in the
/// shared <see cref="IPendingStepStore"/>, keyed by the SHA-256 of a random handle the browser holds: any node can finish
/// a step another started. <paramref name="read"/> returns null for a payload it cannot open (e.g. sealed under a retired
/// key), which the caller treats as expired.
/// </summary>
internal sealed class PendingSteps<T>(IPendingStepStore store, string kind, Func<T, string> write, Func<string, T?> read, TimeProvider time)
    where T : class
{
    public Task PutAsync(string keyHash, T value, DateTimeOffset expires, CancellationToken ct) =>
        store.PutAsync(kind, keyHash, write(value), expires, time.GetUtcNow(), ct);

    /// <summary>Removes and returns the entry (single use, also across nodes); null when absent or expired.</summary>
    public async Task<T?> TakeAsync(string keyHash, CancellationToken ct) =>
        await store.TakeAsync(kind, keyHash, time.GetUtcNow(), ct) is { } payload ? read(payload) : null;

    public async Task<T?> PeekAsync(string keyHash, CancellationToken ct) =>
        await store.PeekAsync(kind, keyHash, time.GetUtcNow(), ct) is { } payload ? read(payload) : null;

    public Task RemoveAsync(string keyHash, CancellationToken ct) => store.RemoveAsync(kind, keyHash, ct);
}
