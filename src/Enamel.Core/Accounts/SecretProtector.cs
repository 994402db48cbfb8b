using System.Security.Cryptography;
using System.Text;

namespace Enamel.Core.Accounts;

/// <summary>
/// Seals small secrets that must be read back (TOTP seeds) with AES-256-GCM under a key derived (HKDF-SHA256, info
/// "enamel account secrets v1") from the master key, so a copy of the database alone does not reveal them.
/// </summary>
public sealed class SecretProtector
{
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("enamel account secrets v1");
    private readonly byte[] key;

    public SecretProtector(byte[] masterKey) => key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, salt: [], info: Info);

    public string Protect(byte[] plaintext)
    {
        var sealedBytes = new byte[12 + plaintext.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length));
        return Convert.ToBase64String(sealedBytes);
    }

    public byte[] Unprotect(string sealedText)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        if (sealedBytes.Length < 28) throw new CryptographicException("sealed secret is too short");
        var plaintext = new byte[sealedBytes.Length - 28];
        using var gcm = new AesGcm(key, 16);
        gcm.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), plaintext);
        return plaintext;
    }
}
