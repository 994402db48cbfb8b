namespace Enamel.Dicom.Imaging;

/// <summary>
/// A LUT as PS3.3 C.11.1.1 / C.7.6.3.1.5 describe it: LUT Descriptor (entry count, first stored value mapped,
/// bits per entry) plus LUT Data. Input values below the first mapped value map to the first entry, values past
/// the end map to the last entry.
/// </summary>
public sealed class LookupTable
{
    public LookupTable(int firstMapped, int bitsPerEntry, ushort[] entries)
    {
        if (entries.Length == 0) throw new DicomImagingException("LUT has no entries");
        if (bitsPerEntry is < 1 or > 16) throw new DicomImagingException($"LUT bits per entry {bitsPerEntry} is not between 1 and 16");
        FirstMapped = firstMapped;
        BitsPerEntry = bitsPerEntry;
        Entries = entries;
    }

    public int FirstMapped { get; }
    public int BitsPerEntry { get; }
    public ushort[] Entries { get; }

    /// <summary>Largest value an entry can hold: 2^bits − 1.</summary>
    public int MaxEntryValue => (1 << BitsPerEntry) - 1;

    public ushort this[double input]
    {
        get
        {
            double i = Math.Floor(input) - FirstMapped;
            if (i <= 0) return Entries[0];
            if (i >= Entries.Length - 1) return Entries[^1];
            return Entries[(int)i];
        }
    }

    /// <summary>
    /// Reads a LUT from <paramref name="descriptorTag"/> and <paramref name="dataTag"/> of <paramref name="ds"/>.
    /// <paramref name="signedInput"/> says whether the first mapped value is two's complement (PS3.3: it follows Pixel Representation).
    /// </summary>
    public static LookupTable Read(DicomDataset ds, DicomTag descriptorTag, DicomTag dataTag, bool signedInput)
    {
        var (count, first, bits) = ReadDescriptor(ds, descriptorTag, signedInput);
        if (ds[dataTag] is not DicomValueElement data || data.Length == 0)
            throw new DicomImagingException($"LUT Data {dataTag} is missing or empty");
        var bytes = data.Value.GetMemory().Span;
        var entries = new ushort[count];
        if (bits <= 8 && bytes.Length < 2L * count)
        {
            // 8-bit entries packed two per 16-bit word (the low byte first in little endian).
            if (bytes.Length < count) throw new DicomImagingException($"LUT Data {dataTag} has {bytes.Length} bytes for {count} 8-bit entries");
            for (int i = 0; i < count; i++) entries[i] = bytes[i];
        }
        else
        {
            if (bytes.Length < 2L * count) throw new DicomImagingException($"LUT Data {dataTag} has {bytes.Length} bytes for {count} 16-bit entries");
            for (int i = 0; i < count; i++) entries[i] = (ushort)(bytes[2 * i] | bytes[2 * i + 1] << 8);
        }
        return new LookupTable(first, bits, entries);
    }

    /// <summary>LUT Descriptor: entry count (0 means 65536), first mapped value (signed when the input is), bits per entry (out-of-range read as 16).</summary>
    internal static (int Count, int FirstMapped, int Bits) ReadDescriptor(DicomDataset ds, DicomTag descriptorTag, bool signedInput)
    {
        if (ds[descriptorTag] is not DicomValueElement desc || desc.Length < 6)
            throw new DicomImagingException($"LUT Descriptor {descriptorTag} is missing or has fewer than 3 values");
        var d = desc.Value.GetMemory().Span;
        // The descriptor is US or SS; its three 16-bit words are read as the standard defines them.
        int count = ReadWord(d, 0), first = ReadWord(d, 2), bits = ReadWord(d, 4);
        if (count == 0) count = 65536;
        if (signedInput && first >= 32768) first -= 65536;
        return (count, first, bits is < 1 or > 16 ? 16 : bits);
    }

    private static int ReadWord(ReadOnlySpan<byte> d, int at) => d[at] | d[at + 1] << 8;
}
