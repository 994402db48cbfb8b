using System.Diagnostics;
using System.Security.Cryptography;

namespace Enamel.Bench.Archive;

/// <summary>
/// The machine's own limits for the work an archive does per instance, measured in the same run as the servers:
/// durable 3 MB writes (write + fsync, one file each) with 1 and 4 writers, AES-256-GCM and SHA-256 on one core.
/// </summary>
internal static class MachineLimits
{
    /// <summary>3 MB files written and fsynced per second by <paramref name="writers"/> concurrent writers, each its own files.</summary>
    public static double FsyncFilesPerSecond(string dir, int size, int filesPerWriter, int writers)
    {
        Directory.CreateDirectory(dir);
        var data = new byte[size];
        new Random(9).NextBytes(data);
        var sw = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            for (int i = 0; i < filesPerWriter; i++)
            {
                using var fs = new FileStream(Path.Combine(dir, $"w{w}-f{i:D5}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                fs.Write(data);
                fs.Flush(flushToDisk: true);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        sw.Stop();
        Directory.Delete(dir, true);
        return writers * filesPerWriter / sw.Elapsed.TotalSeconds;
    }

    /// <summary>AES-256-GCM sealing of 64 KiB segments on one thread, GB/s (the at-rest encryption's unit of work).</summary>
    public static double AesGcmGBps(TimeSpan duration)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        using var aes = new AesGcm(key, 16);
        var plain = RandomNumberGenerator.GetBytes(64 * 1024);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        var nonce = new byte[12];
        long bytes = 0;
        var sw = Stopwatch.StartNew();
        for (long n = 0; sw.Elapsed < duration; n++)
        {
            BitConverter.TryWriteBytes(nonce, n);
            aes.Encrypt(nonce, plain, cipher, tag);
            bytes += plain.Length;
        }
        return bytes / 1e9 / sw.Elapsed.TotalSeconds;
    }

    /// <summary>SHA-256 over 3 MB buffers on one thread, GB/s.</summary>
    public static double Sha256GBps(TimeSpan duration)
    {
        var data = RandomNumberGenerator.GetBytes(3_000_000);
        Span<byte> hash = stackalloc byte[32];
        long bytes = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            SHA256.HashData(data, hash);
            bytes += data.Length;
        }
        return bytes / 1e9 / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg), as printed by uptime.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
