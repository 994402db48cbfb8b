using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs;

/// <summary>
/// Native Pixel Data produced from encapsulated frames on demand: writing it decodes one frame at a time, so a large
/// multi-frame object is never held decoded in memory whole. The source file must stay open while this value is used.
/// </summary>
internal sealed class DecodedPixelDataValue : DicomValue
{
    private readonly DicomPixelData source;
    private readonly long frameLength;
    private int cachedIndex = -1;
    private byte[] cachedFrame = [];

    public DecodedPixelDataValue(DicomPixelData source)
    {
        this.source = source;
        var decoded = source.DecodedInfo;
        if (decoded.BitsAllocated == 1)
            throw new DicomImagingException("decoding to 1-bit native pixel data is not supported");
        frameLength = decoded.FrameLength;
    }

    public override long Length => frameLength * source.NumberOfFrames;

    /// <summary>True: the bytes are produced from the source when read, like a deferred range.</summary>
    public override bool IsDeferred => true;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{destination.Length} is outside the {Length}-byte value");
        while (destination.Length > 0)
        {
            int index = (int)(offset / frameLength);
            int within = (int)(offset % frameLength);
            var frame = Frame(index);
            int n = (int)Math.Min(destination.Length, frameLength - within);
            frame.AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            offset += n;
        }
    }

    public override ReadOnlyMemory<byte> GetMemory()
    {
        if (Length > Array.MaxLength)
            throw new InvalidOperationException($"{Length} bytes of decoded pixel data cannot be loaded whole; read it in ranges");
        var all = GC.AllocateUninitializedArray<byte>((int)Length);
        Read(0, all);
        return all;
    }

    public override void CopyTo(Stream destination)
    {
        for (int i = 0; i < source.NumberOfFrames; i++) destination.Write(Frame(i));
    }

    private byte[] Frame(int index)
    {
        if (index != cachedIndex)
        {
            cachedFrame = source.GetFrame(index);
            cachedIndex = index;
        }
        return cachedFrame;
    }
}
