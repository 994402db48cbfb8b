using System.Text;
using Enamel.Server.Dimse;

namespace Enamel.Server.Tests.Dimse;

/// <summary>The DIMSE spool: received objects rest on disk only encrypted under a per-process key, and damage is refused, never read.</summary>
public sealed class EphemeralSpoolTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("enamel-spool-tests").FullName;
    private readonly EphemeralSpool spool = new();

    private static byte[] Plain(int length)
    {
        var marker = Encoding.ASCII.GetBytes("DICM DOE^JANE 19800101 ");
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = marker[i % marker.Length];
        return bytes;
    }

    private string Write(byte[] plain, int chunk = 7777)
    {
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N"));
        using (var s = spool.Create(path))
            for (int i = 0; i < plain.Length; i += chunk) s.Write(plain, i, Math.Min(chunk, plain.Length - i));
        return path;
    }

    private static byte[] ReadAll(Stream s)
    {
        using (s)
        {
            var ms = new MemoryStream();
            s.CopyTo(ms, 5000);
            return ms.ToArray();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(65537)]
    [InlineData(300_000)]
    public void RoundTrip_IsExact_AndNoPlaintextReachesTheDisk(int length)
    {
        var plain = Plain(length);
        var path = Write(plain);
        Assert.Equal(plain, ReadAll(spool.OpenRead(path)));
        var disk = File.ReadAllBytes(path);
        Assert.True(disk.Length >= length);
        if (length >= 13) Assert.DoesNotContain("DOE^JANE", Encoding.Latin1.GetString(disk), StringComparison.Ordinal);
    }

    public static TheoryData<string> Damages => ["flip", "truncate-tail", "drop-final", "swap", "append"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void DamagedFile_IsRefused_NotRead(string damage)
    {
        var path = Write(Plain(200_000));
        var bytes = File.ReadAllBytes(path);
        const int sealedSegment = 5 + 65536 + 16;
        bytes = damage switch
        {
            "flip" => Flip(bytes, 100_000),
            "truncate-tail" => bytes[..^10],
            "drop-final" => bytes[..(8 + 3 * sealedSegment)],
            "swap" => [.. bytes[..8], .. bytes.AsSpan(8 + sealedSegment, sealedSegment), .. bytes.AsSpan(8, sealedSegment), .. bytes[(8 + 2 * sealedSegment)..]],
            _ => [.. bytes, 0],
        };
        File.WriteAllBytes(path, bytes);
        Assert.Throws<IOException>(() => ReadAll(spool.OpenRead(path)));
    }

    [Fact]
    public void AnotherProcess_CannotReadWhatACrashLeft()
    {
        var path = Write(Plain(1000));
        using var next = new EphemeralSpool();
        Assert.Throws<IOException>(() => ReadAll(next.OpenRead(path)));
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x01;
        return bytes;
    }

    public void Dispose()
    {
        spool.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
