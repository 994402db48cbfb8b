using System.Buffers.Binary;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Rle;

/// <summary>
/// RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count, then up to 15 segment offsets) followed
/// by one PackBits-coded segment per byte plane: for each sample, its most significant byte first. Decoded frames are
/// colour-by-pixel (Planar Configuration 0).
/// </summary>
public sealed class RleCodec : IFrameCodec
{
    private const int HeaderLength = 64;
    private const int MaxSegments = 15;

    public IReadOnlyList<string> TransferSyntaxUids { get; } = [DicomTransferSyntax.RleLossless.Uid];

    public bool CanEncode => true;

    public PixelDataInfo DecodedInfo(PixelDataInfo encoded) => encoded with { PlanarConfiguration = 0 };

    public void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination)
    {
        int bytesPerSample = CheckLayout(info);
        int segments = info.SamplesPerPixel * bytesPerSample;
        long planeLength = (long)info.Rows * info.Columns;
        if (destination.Length != planeLength * segments)
            throw new DicomImagingException($"RLE: destination holds {destination.Length} bytes, the frame needs {planeLength * segments}");
        if (encoded.Length < HeaderLength)
            throw new DicomImagingException($"RLE: frame of {encoded.Length} bytes is shorter than the {HeaderLength}-byte header (PS3.5 G.5)");

        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (declared != segments)
            throw new DicomImagingException($"RLE: header declares {declared} segments; {info.SamplesPerPixel} sample(s) of {info.BitsAllocated} bits need {segments}");

        Span<int> offsets = stackalloc int[MaxSegments + 1];
        for (int i = 0; i < segments; i++)
        {
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(encoded[(4 + 4 * i)..]);
            if (offset < HeaderLength || offset > encoded.Length)
                throw new DicomImagingException($"RLE: segment {i} offset {offset} is outside the {encoded.Length}-byte frame");
            if (i > 0 && offset < offsets[i - 1])
                throw new DicomImagingException($"RLE: segment {i} offset {offset} precedes segment {i - 1} offset {offsets[i - 1]}");
            offsets[i] = (int)offset;
        }
        offsets[segments] = encoded.Length;

        var plane = new byte[planeLength];
        for (int segment = 0; segment < segments; segment++)
        {
            int decoded = DecodeSegment(encoded[offsets[segment]..offsets[segment + 1]], plane);
            if (decoded < plane.Length)
                throw new DicomImagingException($"RLE: segment {segment} decodes to {decoded} bytes; a byte plane needs {plane.Length}");
            int sample = segment / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - segment % bytesPerSample;   // segments run most significant byte first
            int stride = info.SamplesPerPixel * bytesPerSample;
            int at = sample * bytesPerSample + byteInSample;
            for (int p = 0; p < plane.Length; p++, at += stride) destination[at] = plane[p];
        }
    }

    /// <summary>Undoes PackBits (PS3.5 G.3.2) until the plane is full; returns the bytes produced. Trailing padding is ignored.</summary>
    private static int DecodeSegment(ReadOnlySpan<byte> segment, Span<byte> plane)
    {
        int written = 0, i = 0;
        while (i < segment.Length && written < plane.Length)
        {
            int n = (sbyte)segment[i++];
            if (n >= 0)
            {
                int count = n + 1;
                if (i + count > segment.Length)
                    throw new DicomImagingException($"RLE: literal run of {count} bytes at segment byte {i - 1} passes the segment end");
                if (written + count > plane.Length)
                    throw new DicomImagingException($"RLE: literal run at segment byte {i - 1} overflows the {plane.Length}-byte plane");
                segment.Slice(i, count).CopyTo(plane[written..]);
                i += count;
                written += count;
            }
            else if (n != -128)
            {
                int count = 1 - n;
                if (i >= segment.Length)
                    throw new DicomImagingException($"RLE: replicate run at segment byte {i - 1} has no byte to repeat");
                if (written + count > plane.Length)
                    throw new DicomImagingException($"RLE: replicate run at segment byte {i - 1} overflows the {plane.Length}-byte plane");
                plane.Slice(written, count).Fill(segment[i++]);
                written += count;
            }
        }
        return written;
    }

    public (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        int bytesPerSample = CheckLayout(info);
        int samples = info.SamplesPerPixel;
        int segments = samples * bytesPerSample;
        int pixels = checked(info.Rows * info.Columns);
        if (frame.Length < (long)pixels * segments)
            throw new DicomImagingException($"RLE: frame holds {frame.Length} bytes, {pixels * (long)segments} expected");

        var output = new MemoryStream();
        output.Write(new byte[HeaderLength]);
        var header = new byte[HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments);
        var plane = new byte[pixels];
        for (int segment = 0; segment < segments; segment++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + 4 * segment), checked((uint)output.Length));
            int sample = segment / bytesPerSample;
            int byteInSample = bytesPerSample - 1 - segment % bytesPerSample;
            if (info.PlanarConfiguration == 1 && samples > 1)
            {
                int planeStart = sample * pixels * bytesPerSample + byteInSample;
                for (int p = 0; p < pixels; p++) plane[p] = frame[planeStart + p * bytesPerSample];
            }
            else
            {
                int stride = samples * bytesPerSample, at = sample * bytesPerSample + byteInSample;
                for (int p = 0; p < pixels; p++, at += stride) plane[p] = frame[at];
            }
            for (int row = 0; row < info.Rows; row++)   // rows are coded separately (PS3.5 G.3.1)
                EncodeRow(plane.AsSpan(row * info.Columns, info.Columns), output);
            if ((output.Length & 1) == 1) output.WriteByte(0x80);   // -128 is a no-op: pads the segment to even length
        }
        var encoded = output.ToArray();
        header.CopyTo(encoded, 0);
        return (encoded, info with { PlanarConfiguration = 0 });
    }

    /// <summary>PackBits: runs of 2..128 equal bytes as replicate runs, everything else as literal runs of up to 128.</summary>
    private static void EncodeRow(ReadOnlySpan<byte> row, MemoryStream output)
    {
        int i = 0;
        while (i < row.Length)
        {
            int run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i]) run++;
            if (run >= 2)
            {
                output.WriteByte((byte)(sbyte)(1 - run));
                output.WriteByte(row[i]);
                i += run;
                continue;
            }
            int start = i++;
            while (i < row.Length && i - start < 128 && !(i + 1 < row.Length && row[i] == row[i + 1])) i++;
            output.WriteByte((byte)(i - start - 1));
            output.Write(row[start..i]);
        }
    }

    private static int CheckLayout(PixelDataInfo info)
    {
        info.Validate();
        if (info.BitsAllocated == 1)
            throw new DicomImagingException("RLE: Bits Allocated 1 is not supported");
        int bytesPerSample = info.BytesPerSample;
        if (info.SamplesPerPixel * bytesPerSample > MaxSegments)
            throw new DicomImagingException($"RLE: {info.SamplesPerPixel} sample(s) of {info.BitsAllocated} bits need more than {MaxSegments} segments");
        return bytesPerSample;
    }
}
