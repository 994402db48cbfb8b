using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs.Jpeg;

/// <summary>
/// Decoder for the lossless process (ITU-T T.81 Annex H, SOF3, Huffman coded): predictors 1-7, point transform,
/// restart intervals, 1-4 components interleaved or in separate scans, precision 2-16. Written here because the
/// JPEG library predicts the first line with the selected predictor instead of Ra (H.1.2.1), which breaks
/// selection values 2, 3, 6 and 7.
/// </summary>
internal sealed class JpegLosslessDecoder
{
    private readonly JpegHuffmanTable?[] tables = new JpegHuffmanTable?[4];
    private int restartInterval;

    public int Precision { get; private set; }
    public int Width { get; private set; }
    public int Height { get; private set; }
    public int Components { get; private set; }

    /// <summary>Decoded samples, one array per component, each Width*Height values (already shifted left by the point transform).</summary>
    public int[][] Samples { get; private set; } = [];

    public static JpegLosslessDecoder Decode(ReadOnlySpan<byte> data, int fallbackHeight)
    {
        var d = new JpegLosslessDecoder();
        d.Run(data, fallbackHeight);
        return d;
    }

    private void Run(ReadOnlySpan<byte> data, int fallbackHeight)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) throw Error("the stream does not start with SOI (FFD8)");
        int pos = 2;
        byte[] componentIds = [];
        while (true)
        {
            // Fill bytes (FF FF ...) may precede a marker (T.81 B.1.1.2).
            if (pos + 1 >= data.Length) throw Error("the stream ends before EOI");
            if (data[pos] != 0xFF) throw Error($"expected a marker at byte {pos}, found {data[pos]:X2}");
            byte marker = data[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            pos += 2;
            if (marker == 0xD9) break;                                     // EOI
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue;           // stray RSTn / TEM
            if (pos + 2 > data.Length) throw Error($"marker FF{marker:X2} at byte {pos - 2} has no length");
            int length = data[pos] << 8 | data[pos + 1];
            if (length < 2 || pos + length > data.Length) throw Error($"marker FF{marker:X2} at byte {pos - 2} declares {length} bytes past the stream end");
            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xC4: ReadHuffmanTables(segment); break;
                case 0xDD:
                    if (segment.Length < 2) throw Error("DRI segment is too short");
                    restartInterval = segment[0] << 8 | segment[1];
                    break;
                case 0xC3: componentIds = ReadFrameHeader(segment, fallbackHeight); break;
                case 0xDA:
                    if (Samples.Length == 0) throw Error("SOS before SOF3");
                    pos = DecodeScan(data, pos, segment, componentIds);
                    break;
                case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                    throw Error($"SOF{marker - 0xC0} is not the lossless Huffman process (SOF3)");
            }
        }
        if (Samples.Length == 0) throw Error("the stream has no SOF3 frame");
    }

    private byte[] ReadFrameHeader(ReadOnlySpan<byte> s, int fallbackHeight)
    {
        if (s.Length < 6) throw Error("SOF3 segment is too short");
        Precision = s[0];
        Height = s[1] << 8 | s[2];
        Width = s[3] << 8 | s[4];
        Components = s[5];
        if (Height == 0) Height = fallbackHeight;   // DNL-defined height: trust the DICOM Rows
        if (Precision is < 2 or > 16) throw Error($"precision {Precision} is outside 2..16");
        if (Width == 0 || Height == 0 || Components is < 1 or > 4) throw Error($"frame {Width}x{Height} with {Components} components is not decodable");
        if (s.Length < 6 + 3 * Components) throw Error("SOF3 segment is too short for its components");
        var ids = new byte[Components];
        for (int c = 0; c < Components; c++)
        {
            ids[c] = s[6 + 3 * c];
            if (s[7 + 3 * c] != 0x11) throw Error($"component {c} has sampling factors {s[7 + 3 * c]:X2}; only 1x1 is supported");
        }
        Samples = new int[Components][];
        for (int c = 0; c < Components; c++) Samples[c] = new int[checked(Width * Height)];
        return ids;
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        while (s.Length > 0)
        {
            if (s.Length < 17) throw Error("DHT segment is truncated");
            int tc = s[0] >> 4, th = s[0] & 15;
            if (th > 3) throw Error($"Huffman table id {th} is outside 0..3");
            var counts = s.Slice(1, 16);
            int total = 0;
            foreach (var n in counts) total += n;
            if (s.Length < 17 + total) throw Error("DHT segment is truncated");
            var table = JpegHuffmanTable.Build(counts, s.Slice(17, total));
            if (tc == 0) tables[th] = table;   // lossless coding uses the DC class
            s = s[(17 + total)..];
        }
    }

    private int DecodeScan(ReadOnlySpan<byte> data, int pos, ReadOnlySpan<byte> header, byte[] componentIds)
    {
        int ns = header.Length > 0 ? header[0] : 0;
        if (ns < 1 || ns > Components || header.Length < 1 + 2 * ns + 3) throw Error("SOS segment is malformed");
        var comps = new int[ns];
        var huff = new JpegHuffmanTable[ns];
        for (int i = 0; i < ns; i++)
        {
            int index = Array.IndexOf(componentIds, header[1 + 2 * i]);
            if (index < 0) throw Error($"scan names unknown component {header[1 + 2 * i]}");
            comps[i] = index;
            int td = header[2 + 2 * i] >> 4;
            huff[i] = (td < tables.Length ? tables[td] : null) ?? throw Error($"scan uses undefined Huffman table {td}");
        }
        int predictor = header[1 + 2 * ns];
        int pointTransform = header[3 + 2 * ns] & 15;
        if (predictor is < 1 or > 7) throw Error($"predictor {predictor} is outside 1..7");
        if (pointTransform >= Precision) throw Error($"point transform {pointTransform} is not below precision {Precision}");

        var bits = new JpegBitReader(data, pos);
        int initial = 1 << (Precision - pointTransform - 1);
        int mask = (1 << (Precision - pointTransform)) - 1;   // reconstruction is modulo 2^16 (H.1.2.1), kept within P - Pt bits
        int restartCountdown = restartInterval;
        bool firstLineOfInterval = true;
        int expectedRst = 0;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                if (restartInterval > 0 && restartCountdown == 0)
                {
                    bits.ReadRestart(expectedRst);
                    expectedRst = (expectedRst + 1) & 7;
                    restartCountdown = restartInterval;
                    firstLineOfInterval = true;
                }
                restartCountdown--;
                for (int i = 0; i < ns; i++)
                {
                    var plane = Samples[comps[i]];
                    int at = y * Width + x;
                    int prediction;
                    if (firstLineOfInterval) prediction = x == 0 ? initial : plane[at - 1];
                    else if (x == 0) prediction = plane[at - Width];
                    else
                    {
                        int ra = plane[at - 1], rb = plane[at - Width], rc = plane[at - Width - 1];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }
                    plane[at] = (prediction + bits.DecodeDifference(huff[i])) & 0xFFFF & mask;
                }
            }
            firstLineOfInterval = false;
        }
        if (pointTransform > 0)
            foreach (int c in comps)
                for (int i = 0; i < Samples[c].Length; i++) Samples[c][i] <<= pointTransform;
        return bits.EndPosition();
    }

    private static DicomImagingException Error(string message) => new($"JPEG lossless: {message}");
}
