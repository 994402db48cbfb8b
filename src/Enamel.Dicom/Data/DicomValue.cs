using System.Buffers.Binary;

namespace Enamel.Dicom;

/// <summary>
/// The bytes of an element's value in little-endian order, either in memory or left in the source as a
/// range (large values of streamed files are never loaded until asked for).
/// </summary>
public abstract class DicomValue
{
    public static readonly DicomValue Empty = new MemoryValue(ReadOnlyMemory<byte>.Empty);

    public abstract long Length { get; }

    /// <summary>True when the bytes are still in the source, not in memory.</summary>
    public abstract bool IsDeferred { get; }

    /// <summary>Reads <paramref name="destination"/>.Length bytes starting at <paramref name="offset"/> within the value.</summary>
    public abstract void Read(long offset, Span<byte> destination);

    /// <summary>All bytes in memory (loads a deferred value; refuses values above 2 GB).</summary>
    public abstract ReadOnlyMemory<byte> GetMemory();

    /// <summary>Copies the value to a stream in chunks, never holding a large value whole.</summary>
    public virtual void CopyTo(Stream destination)
    {
        var mem = GetMemory();
        destination.Write(mem.Span);
    }

    public static DicomValue FromBytes(ReadOnlyMemory<byte> bytes) => bytes.Length == 0 ? Empty : new MemoryValue(bytes);
}

internal sealed class MemoryValue(ReadOnlyMemory<byte> bytes) : DicomValue
{
    public override long Length => bytes.Length;
    public override bool IsDeferred => false;
    public override ReadOnlyMemory<byte> GetMemory() => bytes;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > bytes.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{destination.Length} is outside the {bytes.Length}-byte value");
        bytes.Span.Slice((int)offset, destination.Length).CopyTo(destination);
    }
}

/// <summary>
/// A large value of a source that cannot be addressed (a deflated dataset) that a structural read passed over
/// (<see cref="DicomReadOptions.SkipUnaddressableLargeValues"/>): its length is known, its bytes were not kept.
/// </summary>
internal sealed class SkippedValue(long length) : DicomValue
{
    public override long Length => length;
    public override bool IsDeferred => true;
    public override void Read(long offset, Span<byte> destination) => throw Skipped();
    public override ReadOnlyMemory<byte> GetMemory() => throw Skipped();
    private InvalidOperationException Skipped() =>
        new($"this {length}-byte value was skipped by a structural read (DicomReadOptions.SkipUnaddressableLargeValues): open the object again to read it");
}

/// <summary>A value left in a random-access source. Big-endian sources are swapped per unit on read.</summary>
internal sealed class RangeValue(IRandomAccessSource source, long sourceOffset, long length, int swapUnit) : DicomValue
{
    private const int ChunkSize = 1 << 20;

    public override long Length => length;
    public override bool IsDeferred => true;
    public long SourceOffset => sourceOffset;

    public override void Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range {offset}+{destination.Length} is outside the {length}-byte value");
        if (swapUnit > 1 && (offset % swapUnit != 0 || destination.Length % swapUnit != 0))
            throw new ArgumentException($"a big-endian value must be read in whole {swapUnit}-byte units");
        source.ReadExactly(sourceOffset + offset, destination);
        ByteSwap.InPlace(destination, swapUnit);
    }

    public override ReadOnlyMemory<byte> GetMemory()
    {
        if (length > Array.MaxLength)
            throw new InvalidOperationException($"a {length}-byte value cannot be loaded whole; read it in ranges");
        var buffer = GC.AllocateUninitializedArray<byte>((int)length);
        Read(0, buffer);
        return buffer;
    }

    public override void CopyTo(Stream destination)
    {
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(length, 1))];
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);
            if (swapUnit > 1) n -= n % swapUnit;
            Read(done, buffer.AsSpan(0, n));
            destination.Write(buffer, 0, n);
            done += n;
        }
    }
}

internal static class ByteSwap
{
    public static void InPlace(Span<byte> data, int unit)
    {
        switch (unit)
        {
            case 2:
                var u16 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(data[..(data.Length & ~1)]);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(data[..(data.Length & ~3)]);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(data[..(data.Length & ~7)]);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }
}
