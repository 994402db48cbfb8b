using System.Text;
using Enamel.Server.Dimse;

namespace Enamel.Server.Tests.Dimse;

/// <summary>
/// The DIMSE spool: received objects are held in memory (never written) up to a size and a budget; beyond them they rest on
/// disk only encrypted under a per-process key, and damage is refused, never read.
/// </summary>
public sealed class EphemeralSpoolTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("enamel-spool-tests").FullName;
    private readonly EphemeralSpool spool = new(memoryBudget: 0); // every object to disk: the file format's tests

    private static byte[] Plain(int length)
    {
        var marker = Encoding.ASCII.GetBytes("DICM DOE^JANE 19800101 ");
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = marker[i % marker.Length];
        return bytes;
    }

    private string Write(byte[] plain, int chunk = 7777) => Write(spool, plain, chunk);

    private string Write(EphemeralSpool into, byte[] plain, int chunk = 7777)
    {
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N"));
        using (var s = into.Create(path))
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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65536)]
    [InlineData(300_000)]
    public void SmallObject_IsHeldInMemory_NothingWritten_ReadTwice_ThenRemoved(int length)
    {
        using var memory = new EphemeralSpool();
        var plain = Plain(length);
        var path = Write(memory, plain);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Equal(1, memory.ObjectsInMemory);
        Assert.Equal(plain, ReadAll(memory.OpenRead(path)));
        Assert.Equal(plain, ReadAll(memory.OpenRead(path)));
        memory.Delete(path);
        Assert.Equal(0, memory.ObjectsInMemory);
        Assert.Throws<FileNotFoundException>(() => memory.OpenRead(path));
    }

    [Theory]
    [InlineData(200_000, 100_000, 1 << 20)]        // larger than the largest object held in memory
    [InlineData(300_000, 1 << 20, 3 * 65536)]     // the budget runs out in the middle of the object
    [InlineData(3 * 65536, 1 << 20, 2 * 65536)]   // spilled at a chunk boundary
    public void LargeObject_OrBudgetSpent_GoesToTheEncryptedFile_Exactly(int length, int maxObject, long budget)
    {
        using var small = new EphemeralSpool(budget, maxObject);
        var plain = Plain(length);
        var path = Write(small, plain);
        Assert.True(File.Exists(path));
        Assert.Equal(0, small.ObjectsInMemory);
        Assert.DoesNotContain("DOE^JANE", Encoding.Latin1.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);
        Assert.Equal(plain, ReadAll(small.OpenRead(path)));
        small.Delete(path);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Budget_IsSharedByObjectsHeld_AndComesBackWhenOneIsRemoved()
    {
        using var small = new EphemeralSpool(memoryBudget: 2 * 65536, maxObjectInMemory: 1 << 20);
        var first = Write(small, Plain(100_000));   // two chunks: the whole budget
        var second = Write(small, Plain(10));       // no room: to disk
        Assert.False(File.Exists(first));
        Assert.True(File.Exists(second));
        small.Delete(first);
        var third = Write(small, Plain(10));
        Assert.False(File.Exists(third));
        Assert.Equal(Plain(10), ReadAll(small.OpenRead(third)));
        Assert.Equal(Plain(10), ReadAll(small.OpenRead(second)));
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
