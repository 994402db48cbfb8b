namespace Enamel.Dicom.Tests.IO;

public class RoundTripTests
{
    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Save_UnchangedSample_IsByteIdentical(string name)
    {
        var path = TestFiles.Sample(name);
        using var file = DicomFile.Open(path, new DicomReadOptions { LargeValueThreshold = 1024 });
        var ms = new MemoryStream();
        file.Save(ms);
        var original = File.ReadAllBytes(path);
        var written = ms.ToArray();
        if (file.TransferSyntax.IsDeflated)
        {
            // Deflate output depends on the compressor; compare the meta header and the inflated dataset.
            (original, written) = (Inflated(original), Inflated(written));
        }
        int firstDiff = FirstDifference(original, written);
        Assert.True(firstDiff < 0, $"{name}: first difference at byte {firstDiff} (original {original.Length} bytes, written {written.Length})");
    }

    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Save_ThenOpen_SameElements(string name)
    {
        using var file = DicomFile.Open(TestFiles.Sample(name));
        var ms = new MemoryStream();
        file.Save(ms);
        ms.Position = 0;
        using var again = DicomFile.Open(ms);
        DatasetAssert.Equal(file.Dataset, again.Dataset);
        DatasetAssert.Equal(file.Meta, again.Meta);
    }

    private static byte[] Inflated(byte[] part10)
    {
        using var f = DicomFile.Open(new MemoryStream(part10));
        int metaEnd = 132 + 12 + (int)f.Meta.GetDouble(DicomTags.FileMetaInformationGroupLength);
        var rest = new MemoryStream();
        using (var z = new System.IO.Compression.DeflateStream(new MemoryStream(part10, metaEnd, part10.Length - metaEnd), System.IO.Compression.CompressionMode.Decompress))
            z.CopyTo(rest);
        return [.. part10.AsSpan(0, metaEnd), .. rest.ToArray()];
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : n;
    }
}
