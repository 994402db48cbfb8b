using System.Globalization;
using Enamel.Dicom;

namespace Enamel.Bench;

/// <summary>
/// The generated corpus: N intra-oral-size files (1500 x 1000, 16 bits allocated, 12 stored, about 3 MB each)
/// and one multi-frame object of at least the asked size (512 x 512 frames). Cached: each part is regenerated only
/// when its parameters differ from the ones recorded in its stamp file.
/// </summary>
internal sealed class BenchCorpus
{
    public const int Rows = 1500, Columns = 1000;
    public const int LargeRows = 512, LargeColumns = 512;

    /// <summary>Bytes of each small file's Pixel Data element: 12-byte explicit VR OW header plus the value.</summary>
    public const long PixelDataElementLength = 12 + Rows * Columns * 2;

    private BenchCorpus(string directory, IReadOnlyList<string> files, string largeFile)
    {
        Directory = directory;
        Files = files;
        LargeFile = largeFile;
    }

    public string Directory { get; }
    public IReadOnlyList<string> Files { get; }
    public string LargeFile { get; }
    public long TotalBytes => Files.Sum(f => new FileInfo(f).Length);

    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "enamel-bench");

    /// <summary>Generates what is missing or stale; <paramref name="largeGb"/> is in GiB (2^30 bytes).</summary>
    public static BenchCorpus Ensure(string directory, int fileCount, double largeGb, TextWriter log)
    {
        var smallDir = Path.Combine(directory, "intraoral");
        var largeFile = Path.Combine(directory, "large-multiframe.dcm");
        int frames = (int)Math.Ceiling(largeGb * (1L << 30) / (LargeRows * LargeColumns * 2));
        var files = Enumerable.Range(0, fileCount).Select(i => Path.Combine(smallDir, $"io{i:D5}.dcm")).ToList();
        System.IO.Directory.CreateDirectory(directory);

        var smallStamp = Path.Combine(directory, "stamp-small.txt");
        var smallWanted = string.Create(CultureInfo.InvariantCulture, $"v1 files={fileCount} {Rows}x{Columns}");
        if (!Fresh(smallStamp, smallWanted) || !files.All(File.Exists))
        {
            if (System.IO.Directory.Exists(smallDir)) System.IO.Directory.Delete(smallDir, recursive: true);
            System.IO.Directory.CreateDirectory(smallDir);
            log.WriteLine($"corpus: writing {fileCount} files of {Rows}x{Columns} to {smallDir}");
            var pixels = IntraOralImage.Pixels(Rows, Columns, seed: 7);
            for (int i = 0; i < fileCount; i++)
            {
                var ds = IntraOralImage.Header(i, Rows, Columns);
                ds.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels);
                DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(files[i]);
            }
            File.WriteAllText(smallStamp, smallWanted);
        }

        var largeStamp = Path.Combine(directory, "stamp-large.txt");
        var largeWanted = string.Create(CultureInfo.InvariantCulture, $"v1 frames={frames} {LargeRows}x{LargeColumns}");
        if (!Fresh(largeStamp, largeWanted) || !File.Exists(largeFile))
        {
            log.WriteLine($"corpus: writing one {frames}-frame {LargeRows}x{LargeColumns} object to {largeFile}");
            var large = IntraOralImage.Header(fileCount, LargeRows, LargeColumns, frames);
            large.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7.3"); // Multi-frame Grayscale Word SC
            large.SetString(new DicomTag(0x0008, 0x0060), DicomVR.CS, "OT");
            large.SetValue(DicomTags.PixelData, DicomVR.OW, new GeneratedPixelValue(IntraOralImage.Pixels(LargeRows, LargeColumns, seed: 11), frames));
            DicomFile.Create(large, DicomTransferSyntax.ExplicitVRLittleEndian).Save(largeFile);
            File.WriteAllText(largeStamp, largeWanted);
        }
        else log.WriteLine($"corpus: cached in {directory}");
        return new BenchCorpus(directory, files, largeFile);
    }

    private static bool Fresh(string stamp, string wanted) => File.Exists(stamp) && File.ReadAllText(stamp) == wanted;

    /// <summary>Reads every file once so all tools measured afterwards start from the same warm page cache.</summary>
    public void WarmPageCache()
    {
        var buffer = new byte[1 << 20];
        foreach (var f in Files.Append(LargeFile))
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            while (s.Read(buffer) > 0) { }
        }
    }
}
