namespace Enamel.Dicom.Tests.IO;

/// <summary>
/// The reader's buffering paths: values larger than the input buffer read straight into their array (seekable
/// sources), grown as bytes arrive (non-seekable), headers spanning several read-aheads, and one file handle per open.
/// </summary>
public class ReaderBufferingTests
{
    private static readonly DicomReadOptions LoadAll = new() { LargeValueThreshold = int.MaxValue };

    private static (string Path, byte[] Large, string Text) WriteSample()
    {
        var large = new byte[300_001];
        new Random(5).NextBytes(large);
        var text = string.Concat(Enumerable.Repeat("0123456789abcdef", 1500)); // 24 KB: spans several read-aheads
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.4");
        ds.SetString(DicomTags.ImageComments, DicomVR.LT, text);
        ds.SetBytes(new DicomTag(0x0009, 0x0010), DicomVR.LO, "ENAMEL TEST "u8.ToArray());
        ds.SetBytes(DicomTags.PixelData, DicomVR.OB, large);
        var path = Path.Combine(TestFiles.NewTempDir(), "large-value.dcm");
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
        return (path, large, text);
    }

    [Fact]
    public void Open_PathLoadAll_LargeValueReadWhole()
    {
        var (path, large, text) = WriteSample();
        using var file = DicomFile.Open(path, LoadAll);
        var pixels = (DicomValueElement)file.Dataset[DicomTags.PixelData]!;
        Assert.False(pixels.Value.IsDeferred);
        Assert.Equal(large.Length + 1, pixels.Length); // padded to even length on write
        Assert.True(pixels.Value.GetMemory().Span[..large.Length].SequenceEqual(large));
        Assert.Equal(text, file.Dataset.GetString(DicomTags.ImageComments));
    }

    [Fact]
    public void Open_NonSeekableStream_SameDatasetAsSeekable()
    {
        var (path, _, _) = WriteSample();
        var bytes = File.ReadAllBytes(path);
        var seekable = DicomFile.Open(new MemoryStream(bytes), LoadAll);
        var streamed = DicomFile.Open(new NonSeekableStream(new MemoryStream(bytes)), LoadAll);
        DatasetAssert.Equal(seekable.Dataset, streamed.Dataset);
    }

    [Fact]
    public void Open_TruncatedInsideLargeValue_ThrowsWithTag()
    {
        var (path, _, _) = WriteSample();
        var bytes = File.ReadAllBytes(path);
        var truncated = bytes[..(bytes.Length - 1000)];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new NonSeekableStream(new MemoryStream(truncated)), LoadAll));
        Assert.Contains("(7FE0,0010)", ex.Message);
        Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(truncated), LoadAll));
    }

    [Fact]
    public void Open_Path_DeferredValueReadableUntilDisposed()
    {
        var (path, large, _) = WriteSample();
        var file = DicomFile.Open(path);
        var pixels = (DicomValueElement)file.Dataset[DicomTags.PixelData]!;
        Assert.True(pixels.Value.IsDeferred);
        var head = new byte[1000];
        pixels.Value.Read(123, head);
        Assert.Equal(large.AsSpan(123, 1000).ToArray(), head);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pixels.Value.Read(0, head)); // the one handle is closed
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 7000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
