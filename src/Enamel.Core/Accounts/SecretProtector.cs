using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Enamel.Core.Accounts;

/// <summary>
/// Seals small secrets that must be read back (TOTP seeds) with AES-256-GCM under a key derived (HKDF-SHA256, info
/// "enamel account secrets v1") from the master key, so a copy of the database alone does not reveal them. The sealed
/// text starts with the master key version ("v1:…") so secrets stay readable while an older version is kept after rotation.
/// </summary>
public sealed class SecretProtector
{
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("enamel account secrets v1");
    private readonly Dictionary<int, byte[]> keys;
    private readonly int current;

    public SecretProtector(IReadOnlyDictionary<int, byte[]> masterKeys)
    {
        if (masterKeys.Count == 0) throw new ArgumentException("at least one master key version is needed", nameof(masterKeys));
        keys = masterKeys.ToDictionary(k => k.Key, k => HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Value, 32, salt: [], info: Info));
        current = masterKeys.Keys.Max();
    }

    public SecretProtector(byte[] masterKey) : this(new Dictionary<int, byte[]> { [1] = masterKey }) { }

    public string Protect(byte[] plaintext)
    {
        var sealedBytes = new byte[12 + plaintext.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(keys[current], 16);
        gcm.Encrypt(nonce, plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length));
        return string.Create(CultureInfo.InvariantCulture, $"v{current}:{Convert.ToBase64String(sealedBytes)}");
    }

    public byte[] Unprotect(string sealedText)
    {
        int colon = sealedText.IndexOf(':');
        if (colon < 2 || sealedText[0] != 'v' || !int.TryParse(sealedText.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !keys.TryGetValue(version, out var key))
            throw new CryptographicException("sealed secret has no known master key version");
        var sealedBytes = Convert.FromBase64String(sealedText[(colon + 1)..]);
        if (sealedBytes.Length < 28) throw new CryptographicException("sealed secret is too short");
        var plaintext = new byte[sealedBytes.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), plaintext);
        return plaintext;
    }

    /// <summary>As <see cref="Unprotect"/>, but null for text that does not open (tampered, malformed, or sealed under a retired key version).</summary>
    public byte[]? TryUnprotect(string sealedText)
    {
        try
        {
            return Unprotect(sealedText);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
