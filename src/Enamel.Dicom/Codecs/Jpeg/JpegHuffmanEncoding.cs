namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>An optimal Huffman code of at most 16 bits per symbol, built from symbol counts as T.81 Annex K.2 describes.</summary>
internal sealed class JpegHuffmanEncoding
{
    public byte[] Bits { get; } = new byte[16];           // BITS: number of codes of each length 1..16
    public byte[] Values { get; private set; } = [];      // HUFFVAL, ordered by code length
    public int[] Codes { get; } = new int[256];
    public int[] Lengths { get; } = new int[256];

    public static JpegHuffmanEncoding Build(ReadOnlySpan<long> counts)
    {
        // K.2 Figure K.1: repeatedly merge the two least frequent trees; entry 256 reserves the all-ones code.
        var freq = new long[257];
        counts.CopyTo(freq);
        freq[256] = 1;
        var codeSize = new int[257];
        var others = new int[257];
        Array.Fill(others, -1);
        while (true)
        {
            int v1 = Least(freq, -1), v2 = Least(freq, v1);
            if (v2 < 0) break;
            freq[v1] += freq[v2];
            freq[v2] = 0;
            for (codeSize[v1]++; others[v1] >= 0; codeSize[v1]++) v1 = others[v1];
            others[v1] = v2;
            for (codeSize[v2]++; others[v2] >= 0; codeSize[v2]++) v2 = others[v2];
        }
        var bits = new int[33];
        for (int i = 0; i < 257; i++)
            if (codeSize[i] > 0) bits[codeSize[i]]++;
        // K.3 Figure K.3: limit code lengths to 16 bits, then drop the reserved code.
        for (int i = 32; i > 16; i--)
            while (bits[i] > 0)
            {
                int j = i - 2;
                while (bits[j] == 0) j--;
                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        int last = 16;
        while (bits[last] == 0) last--;
        bits[last]--;

        var table = new JpegHuffmanEncoding();
        for (int i = 1; i <= 16; i++) table.Bits[i - 1] = (byte)bits[i];
        var values = new List<byte>();
        for (int size = 1; size <= 32; size++)
            for (int s = 0; s < 256; s++)
                if (codeSize[s] == size) values.Add((byte)s);
        table.Values = [.. values];

        // C.2: canonical codes in HUFFVAL order.
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++, code <<= 1)
            for (int n = 0; n < table.Bits[length - 1]; n++, k++, code++)
            {
                table.Codes[table.Values[k]] = code;
                table.Lengths[table.Values[k]] = length;
            }
        return table;
    }

    /// <summary>The used symbol with the smallest count, the larger symbol value on ties (Figure K.1), other than <paramref name="exclude"/>.</summary>
    private static int Least(long[] freq, int exclude)
    {
        int best = -1;
        for (int i = 0; i < freq.Length; i++)
            if (freq[i] > 0 && i != exclude && (best < 0 || freq[i] <= freq[best])) best = i;
        return best;
    }
}
