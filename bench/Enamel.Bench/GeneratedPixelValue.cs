using Enamel.Dicom;

namespace Enamel.Bench;

/// <summary>
/// A value of any length whose bytes repeat one frame: lets the writer stream a gigabyte of Pixel Data
/// without ever holding it (deferred, so <see cref="DicomValue.CopyTo"/> is used).
/// </summary>
internal sealed class GeneratedPixelValue(byte[] frame, int frames) : DicomValue
{
    public override long Length => (long)frame.Length * frames;
    public override bool IsDeferred => true;

    public override void Read(long offset, Span<byte> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            int at = (int)((offset + done) % frame.Length);
            int n = Math.Min(destination.Length - done, frame.Length - at);
            frame.AsSpan(at, n).CopyTo(destination[done..]);
            done += n;
        }
    }

    public override ReadOnlyMemory<byte> GetMemory() =>
        throw new InvalidOperationException("a generated gigabyte value is never loaded whole");

    public override void CopyTo(Stream destination)
    {
        for (int i = 0; i < frames; i++) destination.Write(frame);
    }
}
