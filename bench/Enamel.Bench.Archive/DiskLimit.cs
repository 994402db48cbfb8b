using System.Diagnostics;

namespace Enamel.Bench.Archive;

/// <summary>The disk's limit for durable 3 MB writes: write N files, fsync each, MB/s.</summary>
internal static class DiskLimit
{
    public static double Measure(string dir, int size, int count)
    {
        Directory.CreateDirectory(dir);
        var data = new byte[size];
        new Random(9).NextBytes(data);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            using var fs = new FileStream(Path.Combine(dir, $"f{i:D5}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            fs.Write(data);
            fs.Flush(flushToDisk: true);
        }
        sw.Stop();
        Directory.Delete(dir, true);
        return (double)size * count / 1e6 / sw.Elapsed.TotalSeconds;
    }
}
