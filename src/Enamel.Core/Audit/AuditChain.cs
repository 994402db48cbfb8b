using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Enamel.Core.Audit;

/// <summary>
/// The chain rule: hash(n) = SHA-256(hash(n-1) || canonical(n)), hash(0) = 32 zero bytes. The canonical bytes are a
/// format version byte, then every field (sequence first) as a 4-byte big-endian length and its UTF-8 text, in a
/// fixed order, so no two different entries encode alike and the sequence number is bound into the hash.
/// </summary>
public static class AuditChain
{
    public static byte[] Genesis { get; } = new byte[32];

    /// <summary>Times are stored and hashed as UTC round-trip text ("O").</summary>
    public static string FormatTime(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) => DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static byte[] Canonical(long sequence, AuditEvent e)
    {
        using var ms = new MemoryStream();
        ms.WriteByte(1);
        string[] fields =
        [
            sequence.ToString(CultureInfo.InvariantCulture), FormatTime(e.Time), e.ActorId, e.ActorRole,
            e.PatientKey?.ToString(CultureInfo.InvariantCulture) ?? "", e.Object.Text, e.Action.Text, e.Outcome.ToString(), e.Purpose, e.Source, e.Detail,
        ];
        Span<byte> length = stackalloc byte[4];
        foreach (var f in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(f);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            ms.Write(length);
            ms.Write(bytes);
        }
        return ms.ToArray();
    }

    public static byte[] Hash(ReadOnlySpan<byte> previousHash, long sequence, AuditEvent e)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previousHash);
        sha.AppendData(Canonical(sequence, e));
        return sha.GetHashAndReset();
    }
}
