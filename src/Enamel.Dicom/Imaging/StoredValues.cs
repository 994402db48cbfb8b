using System.Buffers.Binary;

namespace Enamel.Dicom.Imaging;

/// <summary>
/// Extracts stored pixel values from a native frame (PS3.5 8.1.1, PS3.3 C.7.6.3.1): Bits Allocated 1/8/16/32,
/// the Bits Stored bits ending at High Bit, two's complement sign extension, and both Planar Configurations.
/// The result is pixel-major: sample <c>s</c> of pixel <c>p</c> is at <c>p * SamplesPerPixel + s</c>.
/// </summary>
internal static class StoredValues
{
    public static long[] Extract(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        var decoder = Decoder.For(frame, info);
        int spp = info.SamplesPerPixel;
        long pixels = (long)info.Rows * info.Columns;
        long samples = pixels * spp;
        bool planar = spp > 1 && info.PlanarConfiguration == 1;
        var result = new long[samples];
        for (long i = 0; i < samples; i++)
            result[planar ? (i % pixels) * spp + i / pixels : i] = decoder.At(frame, i);
        return result;
    }

    /// <summary>
    /// Reads sample <c>i</c> (in frame order) of a native frame without materializing all samples: the Bits Stored bits at
    /// High Bit, sign-extended. <see cref="For"/> checks the layout and that the frame holds every sample.
    /// </summary>
    public readonly struct Decoder
    {
        private readonly int bitsAllocated;
        private readonly int shift;
        private readonly ulong mask;
        private readonly long signBit;
        private readonly bool signed;

        private Decoder(PixelDataInfo info)
        {
            bitsAllocated = info.BitsAllocated;
            shift = info.HighBit - info.BitsStored + 1;
            mask = info.BitsStored == 64 ? ulong.MaxValue : (1UL << info.BitsStored) - 1;
            signBit = 1L << (info.BitsStored - 1);
            signed = info.IsSigned;
        }

        public static Decoder For(ReadOnlySpan<byte> frame, PixelDataInfo info)
        {
            long samples = (long)info.Rows * info.Columns * info.SamplesPerPixel;
            if (info.BitsAllocated is not (1 or 8 or 16 or 32))
                throw new DicomImagingException($"Bits Allocated {info.BitsAllocated} cannot be rendered (1, 8, 16 or 32 are supported)");
            if (info.BitsStored < 1 || info.BitsStored > info.BitsAllocated || info.HighBit < info.BitsStored - 1 || info.HighBit >= info.BitsAllocated)
                throw new DicomImagingException($"Bits Stored {info.BitsStored} / High Bit {info.HighBit} do not fit Bits Allocated {info.BitsAllocated}");
            long needed = info.BitsAllocated == 1 ? (samples + 7) / 8 : samples * (info.BitsAllocated / 8);
            if (frame.Length < needed)
                throw new DicomImagingException($"the frame holds {frame.Length} bytes; {info.Rows}x{info.Columns}x{info.SamplesPerPixel} samples of {info.BitsAllocated} bits need {needed}");
            return new Decoder(info);
        }

        public long At(ReadOnlySpan<byte> frame, long i)
        {
            ulong raw = bitsAllocated switch
            {
                1 => (ulong)(frame[(int)(i >> 3)] >> (int)(i & 7) & 1),
                8 => frame[(int)i],
                16 => BinaryPrimitives.ReadUInt16LittleEndian(frame[(int)(i * 2)..]),
                _ => BinaryPrimitives.ReadUInt32LittleEndian(frame[(int)(i * 4)..]),
            };
            long v = (long)(raw >> shift & mask);
            if (signed && (v & signBit) != 0) v -= signBit << 1;
            return v;
        }
    }

    /// <summary>The smallest and largest value Bits Stored and Pixel Representation allow.</summary>
    public static (long Min, long Max) Range(PixelDataInfo info) => info.IsSigned
        ? (-(1L << (info.BitsStored - 1)), (1L << (info.BitsStored - 1)) - 1)
        : (0, (1L << info.BitsStored) - 1);
}
