using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Enamel.Core.Accounts;

/// <summary>
/// Argon2id password hashes in the PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash). Default parameters
/// m=64 MiB, t=3, p=1 (OWASP's first recommendation is m=46 MiB, t=1; we spend more): measured ~0.2-0.4 s per hash on
/// the 2-core build machine with the managed Konscious implementation. Stored hashes carry their parameters, so raising
/// them later only affects new hashes (<see cref="NeedsRehash"/> tells when to upgrade at the next sign-in).
/// </summary>
public sealed class PasswordHasher(PasswordHasher.Parameters parameters)
{
    public sealed record Parameters(int MemoryKiB, int Iterations, int Parallelism)
    {
        public static Parameters Default { get; } = new(64 * 1024, 3, 1);
    }

    public PasswordHasher() : this(Parameters.Default) { }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Compute(password, salt, parameters);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${B64(salt)}${B64(hash)}");
    }

    public bool Verify(string password, string stored)
    {
        if (!TryParse(stored, out var p, out var salt, out var expected)) return false;
        return CryptographicOperations.FixedTimeEquals(Compute(password, salt, p, expected.Length), expected);
    }

    public bool NeedsRehash(string stored) => !TryParse(stored, out var p, out _, out _) || p != parameters;

    private static byte[] Compute(string password, byte[] salt, Parameters p, int length = 32)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = p.MemoryKiB,
            Iterations = p.Iterations,
            DegreeOfParallelism = p.Parallelism,
        };
        return argon.GetBytes(length);
    }

    private static bool TryParse(string stored, out Parameters p, out byte[] salt, out byte[] hash)
    {
        p = Parameters.Default;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        var kv = parts[3].Split(',').Select(x => x.Split('=')).Where(x => x.Length == 2).ToDictionary(x => x[0], x => x[1]);
        if (!kv.TryGetValue("m", out var m) || !kv.TryGetValue("t", out var t) || !kv.TryGetValue("p", out var par)
            || !int.TryParse(m, CultureInfo.InvariantCulture, out var mi) || !int.TryParse(t, CultureInfo.InvariantCulture, out var ti)
            || !int.TryParse(par, CultureInfo.InvariantCulture, out var pi) || mi < 8 || ti < 1 || pi < 1 || mi > 4 * 1024 * 1024)
            return false;
        try
        {
            salt = Convert.FromBase64String(Pad(parts[4]));
            hash = Convert.FromBase64String(Pad(parts[5]));
        }
        catch (FormatException)
        {
            return false;
        }
        p = new Parameters(mi, ti, pi);
        return hash.Length >= 16;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
    private static string Pad(string s) => s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
}
