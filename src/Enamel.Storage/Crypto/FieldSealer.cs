using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Enamel.Core.Keys;

namespace Enamel.Storage.Crypto;

/// <summary>
/// Seals sensitive columns under the patient's data key: AES-256-GCM with a key derived from the data key by HKDF
/// ("enamel field v1"), a random 96-bit nonce, and associated data naming the table, column and row, so a sealed value
/// copied into another row or column does not open. Text form: base64 of 0x01 ‖ nonce ‖ ciphertext ‖ tag.
/// Derived keys are cached for a few minutes (unwrapping a data key reads its wrapped file); a destroyed data key
/// throws <see cref="KeyDestroyedException"/>, a damaged sealed value <see cref="SealedFieldCorruptException"/>.
/// </summary>
public sealed class FieldSealer(IKeyring keyring, TimeProvider time)
{
    private const byte Version = 1;
    private const int NonceLength = 12, TagLength = 16;
    private static readonly byte[] Info = "enamel field v1"u8.ToArray();
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private const int MaxCached = 4096;

    private readonly ConcurrentDictionary<DataKeyId, (byte[] Key, DateTimeOffset Until)> cache = new();

    public async ValueTask<string> SealAsync(DataKeyId dataKey, string associated, string plaintext, CancellationToken ct)
    {
        var key = await FieldKeyAsync(dataKey, ct);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceLength + plain.Length + TagLength];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagLength))
            aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceLength, plain.Length), output.AsSpan(1 + NonceLength + plain.Length), Encoding.UTF8.GetBytes(associated));
        CryptographicOperations.ZeroMemory(plain);
        return Convert.ToBase64String(output);
    }

    public async ValueTask<string> OpenAsync(DataKeyId dataKey, string associated, string sealedText, CancellationToken ct)
    {
        var key = await FieldKeyAsync(dataKey, ct);
        return Open(key, associated, sealedText);
    }

    /// <summary>Opens with a key already derived (<see cref="FieldKeyAsync"/>): the loop over many rows of one patient.</summary>
    public static string Open(byte[] key, string associated, string sealedText)
    {
        byte[] input;
        try { input = Convert.FromBase64String(sealedText); }
        catch (FormatException) { throw new SealedFieldCorruptException("a sealed field is damaged (not base64)"); }
        if (input.Length < 1 + NonceLength + TagLength || input[0] != Version) throw new SealedFieldCorruptException("a sealed field is damaged or of an unknown version");
        int length = input.Length - 1 - NonceLength - TagLength;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(input.AsSpan(1, NonceLength), input.AsSpan(1 + NonceLength, length), input.AsSpan(1 + NonceLength + length), plain,
                Encoding.UTF8.GetBytes(associated));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new SealedFieldCorruptException("a sealed field failed authentication: it was altered or moved from another row", ex);
        }
        var text = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return text;
    }

    public async ValueTask<byte[]> FieldKeyAsync(DataKeyId dataKey, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(dataKey, out var hit) && hit.Until > now) return hit.Key;
        var raw = await keyring.UnwrapAsync(dataKey, ct);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, salt: null, info: Info);
        CryptographicOperations.ZeroMemory(raw);
        if (cache.Count >= MaxCached)
            foreach (var old in cache.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList()) cache.TryRemove(old, out _);
        if (cache.Count >= MaxCached) cache.Clear();
        cache[dataKey] = (key, now + CacheFor);
        return key;
    }
}

/// <summary>
/// Keyed blind index tokens: HMAC-SHA-256 under the vault's index key over (field, normalised value), truncated to 128
/// bits. Equal values give equal tokens within one vault, so the database can find rows by value without holding it; the
/// leakage (equality and, for prefix tokens, shared prefixes and name lengths up to <see cref="MaxPrefix"/>) is stated in
/// docs/security.md. The key is a data key of the keyring (wrapped under the master key, re-wrapped by rotation).
/// </summary>
public sealed class BlindIndex(byte[] key)
{
    /// <summary>Prefix tokens are kept for prefixes of at most this many characters; longer prefixes are checked in memory.</summary>
    public const int MaxPrefix = 16;

    public string Token(string field, string value)
    {
        var input = Encoding.UTF8.GetBytes(field + "\u001f" + value);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, input, mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>Case and width folded (NFKC, lower case, inner spaces collapsed): what name and search tokens are made of.</summary>
    public static string Fold(string s)
    {
        var folded = (s ?? "").Normalize(NormalizationForm.FormKC).ToLowerInvariant().Trim();
        return string.Join(' ', folded.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The prefixes (by code point) of a folded value, 1 to <see cref="MaxPrefix"/> characters.</summary>
    public static IEnumerable<string> Prefixes(string folded)
    {
        var sb = new StringBuilder();
        int n = 0;
        foreach (var rune in folded.EnumerateRunes())
        {
            sb.Append(rune.ToString());
            if (++n > MaxPrefix) yield break;
            yield return sb.ToString();
        }
    }

    /// <summary>The first <see cref="MaxPrefix"/> code points of a folded value.</summary>
    public static string Clip(string folded)
    {
        var sb = new StringBuilder();
        int n = 0;
        foreach (var rune in folded.EnumerateRunes())
        {
            if (n++ == MaxPrefix) break;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }
}
