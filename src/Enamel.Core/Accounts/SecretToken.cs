using System.Security.Cryptography;
using System.Text;

namespace Enamel.Core.Accounts;

/// <summary>
/// Bearer secrets (session ids, API tokens, recovery codes): random, shown once, stored only as SHA-256. A plain hash
/// is enough because the secrets carry 256 (recovery codes 80) bits of entropy: there is nothing to guess offline.
/// </summary>
public static class SecretToken
{
    /// <summary>A new 256-bit random secret, base64url, with a readable prefix (e.g. "enm_").</summary>
    public static string New(string prefix = "") => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
