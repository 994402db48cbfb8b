namespace Enamel.Dicom.Imaging;

/// <summary>
/// Expands Segmented Palette Color LUT Data (PS3.3 C.7.9.2): a list of 16-bit words holding segments —
/// discrete (opcode 0: length n, then n values), linear (1: length n, then the end value y1; n values
/// interpolated from the previous value y0 to y1) and indirect (2: number of segments n, then a 32-bit word
/// offset, low word first, to segments to replay).
/// </summary>
internal static class SegmentedLut
{
    private const int MaxIndirectDepth = 8;

    public static ushort[] Expand(ReadOnlySpan<byte> data, int count)
    {
        var words = new ushort[data.Length / 2];
        for (int i = 0; i < words.Length; i++) words[i] = (ushort)(data[2 * i] | data[2 * i + 1] << 8);
        var output = new List<ushort>(count);
        int at = 0;
        while (at < words.Length && output.Count < count) at = Segment(words, at, output, count, 0);
        if (output.Count < count) throw new DicomImagingException($"segmented LUT data expand to {output.Count} entries; the descriptor says {count}");
        return [.. output.Take(count)];
    }

    /// <summary>Expands the segment at word <paramref name="at"/>; returns the index of the next segment.</summary>
    private static int Segment(ushort[] w, int at, List<ushort> output, int count, int depth)
    {
        if (at + 1 >= w.Length) throw new DicomImagingException($"segmented LUT data end inside the segment at word {at}");
        int opcode = w[at], n = w[at + 1];
        switch (opcode)
        {
            case 0:
                if (at + 2 + n > w.Length) throw new DicomImagingException($"discrete segment at word {at} runs past the data");
                for (int i = 0; i < n && output.Count < count; i++) output.Add(w[at + 2 + i]);
                return at + 2 + n;
            case 1:
                if (output.Count == 0) throw new DicomImagingException($"linear segment at word {at} has no previous value to start from");
                if (at + 2 >= w.Length) throw new DicomImagingException($"linear segment at word {at} has no end value");
                double y0 = output[^1], y1 = w[at + 2];
                for (int i = 1; i <= n && output.Count < count; i++) output.Add((ushort)Math.Round(y0 + (y1 - y0) * i / n));
                return at + 3;
            case 2:
                if (depth >= MaxIndirectDepth) throw new DicomImagingException($"indirect segments nest deeper than {MaxIndirectDepth}");
                if (at + 3 >= w.Length) throw new DicomImagingException($"indirect segment at word {at} has no offset");
                int offset = (int)(w[at + 2] | (uint)w[at + 3] << 16);
                if (offset >= at) throw new DicomImagingException($"indirect segment at word {at} points forward (to word {offset})");
                int next = offset;
                for (int i = 0; i < n && output.Count < count; i++) next = Segment(w, next, output, count, depth + 1);
                return at + 4;
            default:
                throw new DicomImagingException($"segmented LUT data: unknown segment opcode {opcode} at word {at}");
        }
    }
}
