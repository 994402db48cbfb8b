using System.Buffers.Binary;
using Enamel.Dicom.Codecs;

namespace Enamel.Dicom.Imaging;

/// <summary>
/// Frame-level access to a dataset's Pixel Data, native or encapsulated. Frames are read one at a time from
/// their source range, so a multi-gigabyte multi-frame object is never loaded whole.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomDataset dataset;
    private readonly DicomElement pixelElement;
    private long[]? frameFragmentStarts;

    private DicomPixelData(DicomDataset dataset, DicomTransferSyntax syntax, DicomElement pixel, DicomCodecRegistry codecs)
    {
        this.dataset = dataset;
        Syntax = syntax;
        pixelElement = pixel;
        Codecs = codecs;
        Info = PixelDataInfo.FromDataset(dataset);
    }

    public static DicomPixelData Create(DicomFile file, DicomCodecRegistry? codecs = null) =>
        Create(file.Dataset, file.TransferSyntax, codecs);

    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax syntax, DicomCodecRegistry? codecs = null)
    {
        var pixel = dataset[DicomTags.PixelData] ?? dataset[DicomTags.FloatPixelData] ?? dataset[DicomTags.DoubleFloatPixelData]
            ?? throw new DicomImagingException("the dataset has no Pixel Data (7FE0,0010)");
        return new DicomPixelData(dataset, syntax, pixel, codecs ?? DicomCodecRegistry.Default);
    }

    public DicomTransferSyntax Syntax { get; }
    public DicomCodecRegistry Codecs { get; }

    /// <summary>Attributes as recorded in the dataset (for encapsulated data: of the encoded image).</summary>
    public PixelDataInfo Info { get; }

    public bool IsEncapsulated => pixelElement is DicomFragmentSequence;
    public int NumberOfFrames => Info.NumberOfFrames;

    /// <summary>Attributes of the frames <see cref="GetFrame"/> returns.</summary>
    public PixelDataInfo DecodedInfo => IsEncapsulated ? Codecs.Get(Syntax).DecodedInfo(Info) : Info;

    /// <summary>The native (decoded) bytes of frame <paramref name="index"/>, little endian.</summary>
    public byte[] GetFrame(int index)
    {
        CheckIndex(index);
        if (!IsEncapsulated) return GetNativeFrame(index);
        var codec = Codecs.Get(Syntax);
        var decodedInfo = codec.DecodedInfo(Info);
        var destination = new byte[decodedInfo.FrameLength];
        try
        {
            codec.Decode(GetEncodedFrame(index), Info, destination);
        }
        catch (DicomImagingException) { throw; }
        catch (Exception ex) when (ex is InvalidDataException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            throw new DicomImagingException($"frame {index} cannot be decoded as {Syntax.Name}: {ex.Message}", ex);
        }
        return destination;
    }

    private byte[] GetNativeFrame(int index)
    {
        var value = ((DicomValueElement)pixelElement).Value;
        long frameLength = Info.FrameLength;
        if (Info.BitsAllocated == 1)
        {
            // Bit-packed frames need not start on a byte boundary (PS3.5 8.1.1).
            long bitOffset = (long)index * Info.Rows * Info.Columns * Info.SamplesPerPixel;
            long bits = (long)Info.Rows * Info.Columns * Info.SamplesPerPixel;
            long firstByte = bitOffset / 8, lastByte = (bitOffset + bits + 7) / 8;
            if (lastByte > value.Length) throw new DicomImagingException($"Pixel Data holds {value.Length} bytes; frame {index} needs {lastByte}");
            var raw = new byte[lastByte - firstByte];
            value.Read(firstByte, raw);
            int shift = (int)(bitOffset % 8);
            var packed = new byte[frameLength];
            for (long i = 0; i < bits; i++)
            {
                long src = i + shift;
                if ((raw[src / 8] >> (int)(src % 8) & 1) != 0) packed[i / 8] |= (byte)(1 << (int)(i % 8));
            }
            return packed;
        }
        long offset = index * frameLength;
        if (offset + frameLength > value.Length)
            throw new DicomImagingException($"Pixel Data holds {value.Length} bytes; frame {index} needs bytes {offset}..{offset + frameLength}");
        var frame = GC.AllocateUninitializedArray<byte>(checked((int)frameLength));
        value.Read(offset, frame);
        return frame;
    }

    /// <summary>The compressed bytes of frame <paramref name="index"/> (its fragments joined), using the Extended or Basic Offset Table when present.</summary>
    public byte[] GetEncodedFrame(int index)
    {
        CheckIndex(index);
        if (pixelElement is not DicomFragmentSequence seq) throw new DicomImagingException("Pixel Data is native, not encapsulated");
        var (first, count) = FragmentRange(seq, index);
        if (count == 1) return seq.Fragments[first].GetMemory().ToArray();
        long total = 0;
        for (int i = first; i < first + count; i++) total += seq.Fragments[i].Length;
        var result = new byte[checked((int)total)];
        int at = 0;
        for (int i = first; i < first + count; i++)
        {
            var f = seq.Fragments[i];
            f.Read(0, result.AsSpan(at, (int)f.Length));
            at += (int)f.Length;
        }
        return result;
    }

    private (int First, int Count) FragmentRange(DicomFragmentSequence seq, int frame)
    {
        int frames = NumberOfFrames;
        if (seq.Fragments.Count == 0) throw new DicomImagingException("encapsulated Pixel Data has no fragments");
        if (frames == 1) return (0, seq.Fragments.Count);
        var starts = FrameStartFragments(seq);
        if (starts is null)
        {
            if (seq.Fragments.Count == frames) return (frame, 1);
            starts = frameFragmentStarts = FindCodestreamStarts(seq, frames)
                ?? throw new DicomImagingException($"{frames} frames in {seq.Fragments.Count} fragments without an offset table: cannot tell where frames start");
        }
        int firstFragment = (int)starts[frame];
        int next = frame + 1 < starts.Length ? (int)starts[frame + 1] : seq.Fragments.Count;
        return (firstFragment, next - firstFragment);
    }

    /// <summary>Maps frame offsets (EOT, else BOT) to the index of each frame's first fragment; null when neither table exists.</summary>
    private long[]? FrameStartFragments(DicomFragmentSequence seq)
    {
        if (frameFragmentStarts is not null) return frameFragmentStarts;
        long[]? offsets = null;
        if (dataset[DicomTags.ExtendedOffsetTable] is DicomValueElement eot && eot.Length >= 8L * NumberOfFrames)
        {
            var b = eot.Value.GetMemory().Span;
            offsets = new long[NumberOfFrames];
            for (int i = 0; i < offsets.Length; i++) offsets[i] = (long)BinaryPrimitives.ReadUInt64LittleEndian(b[(i * 8)..]);
        }
        else if (seq.OffsetTable.Length >= 4L * NumberOfFrames)
        {
            offsets = seq.ReadBasicOffsets();
        }
        if (offsets is null) return null;

        // Offsets count bytes from the first fragment's item tag: each fragment adds 8 (item header) + its length.
        var starts = new long[NumberOfFrames];
        long position = 0;
        int fragment = 0;
        for (int f = 0; f < NumberOfFrames; f++)
        {
            while (fragment < seq.Fragments.Count && position < offsets[f])
            {
                position += 8 + seq.Fragments[fragment].Length;
                fragment++;
            }
            if (position != offsets[f]) throw new DicomImagingException($"offset table entry {f} ({offsets[f]}) does not point at a fragment boundary");
            starts[f] = fragment;
        }
        return frameFragmentStarts = starts;
    }

    /// <summary>
    /// Without an offset table, JPEG-family frames can still be found: each starts a fragment with SOI (FFD8, also
    /// JPEG-LS) or SOC+SIZ (FF4FFF51, JPEG 2000). Used only when exactly one such fragment per frame exists.
    /// </summary>
    private static long[]? FindCodestreamStarts(DicomFragmentSequence seq, int frames)
    {
        var starts = new List<long>();
        Span<byte> head = stackalloc byte[4];
        for (int i = 0; i < seq.Fragments.Count; i++)
        {
            var fragment = seq.Fragments[i];
            if (fragment.Length < 4) continue;
            fragment.Read(0, head);
            bool soi = head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
            bool soc = head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51;
            if (soi || soc) starts.Add(i);
        }
        return starts.Count == frames && starts[0] == 0 ? [.. starts] : null;
    }

    private void CheckIndex(int index)
    {
        if (index < 0 || index >= NumberOfFrames)
            throw new DicomImagingException($"frame {index} does not exist: the object has {NumberOfFrames} frame(s), numbered from 0");
    }
}
