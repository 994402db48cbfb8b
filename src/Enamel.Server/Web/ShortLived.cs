using System.Collections.Concurrent;

namespace Enamel.Server.Web;

/// <summary>
/// Small server-side state that lives for minutes (a half-finished sign-in, a TOTP secret awaiting its first code),
/// keyed by the SHA-256 of a random handle the browser holds. In memory: a restart drops it and the user starts that
/// step again. Bounded: past <paramref name="capacity"/> live entries new ones are refused.
/// </summary>
internal sealed class ShortLived<T>(TimeProvider time, int capacity = 10_000) where T : class
{
    private readonly ConcurrentDictionary<string, (T Value, DateTimeOffset Expires)> entries = new(StringComparer.Ordinal);

    /// <summary>Stores under <paramref name="key"/> until <paramref name="expires"/>; false when full.</summary>
    public bool Put(string key, T value, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        if (entries.Count >= capacity)
            foreach (var (k, e) in entries)
                if (e.Expires <= now) entries.TryRemove(k, out _);
        if (entries.Count >= capacity) return false;
        entries[key] = (value, expires);
        return true;
    }

    /// <summary>Removes and returns the entry (single use); null when absent or expired.</summary>
    public T? Take(string key) =>
        entries.TryRemove(key, out var e) && e.Expires > time.GetUtcNow() ? e.Value : null;

    public T? Peek(string key) =>
        entries.TryGetValue(key, out var e) && e.Expires > time.GetUtcNow() ? e.Value : null;

    public void Remove(string key) => entries.TryRemove(key, out _);
}
