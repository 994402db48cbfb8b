using System.Security.Cryptography;

namespace Enamel.Core.Accounts;

/// <summary>One-time recovery codes for a lost authenticator: 10 codes of 80 random bits, shown once, stored as SHA-256.</summary>
public static class RecoveryCodes
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789"; // Crockford-style base32: no I, L, O, U

    public static IReadOnlyList<string> Generate(int count = 10)
    {
        var codes = new string[count];
        for (int i = 0; i < count; i++)
        {
            var chars = new char[16];
            for (int j = 0; j < chars.Length; j++) chars[j] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            codes[i] = new string(chars, 0, 8) + "-" + new string(chars, 8, 8);
        }
        return codes;
    }

    /// <summary>Hash of the normalized code (case and dashes ignored).</summary>
    public static string Hash(string code) => SecretToken.Hash(code.Trim().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant());
}
