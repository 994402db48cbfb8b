using System.Text;

namespace Enamel.Dicom;

public sealed partial class DicomCharacterSet
{
    private enum SetKind { Ascii, JisRoman, JisKatakana, SingleByte96, JisX0208, JisX0212, KsX1001, Gb2312 }

    /// <summary>
    /// One graphic character set of PS3.3 Tables C.12-3 and C.12-4, with the escape sequence that designates it
    /// to G0 or G1. G0 is always invoked in GL (bytes 0x21-0x7E), G1 in GR (bytes 0xA0-0xFF); DICOM uses no
    /// locking or single shifts.
    /// </summary>
    private sealed class GraphicSet(string name, SetKind kind, bool isG1, byte[] escape, SingleByteTable? table = null)
    {
        public string Name { get; } = name;
        public SetKind Kind { get; } = kind;
        public bool IsG1 { get; } = isG1;
        public byte[] Escape { get; } = escape;
        public SingleByteTable? Table { get; } = table;
        public bool IsMultiByte => Kind >= SetKind.JisX0208;

        private const byte Esc = 0x1B;
        public static readonly GraphicSet Ascii = new("ISO-IR 6", SetKind.Ascii, false, [Esc, 0x28, 0x42]);             // ESC ( B
        public static readonly GraphicSet JisRoman = new("ISO-IR 14", SetKind.JisRoman, false, [Esc, 0x28, 0x4A]);       // ESC ( J
        public static readonly GraphicSet JisKatakana = new("ISO-IR 13", SetKind.JisKatakana, true, [Esc, 0x29, 0x49]);  // ESC ) I
        public static readonly GraphicSet JisKatakanaG0 = new("ISO-IR 13", SetKind.JisKatakana, false, [Esc, 0x28, 0x49]); // ESC ( I
        public static readonly GraphicSet JisX0208 = new("ISO-IR 87", SetKind.JisX0208, false, [Esc, 0x24, 0x42]);       // ESC $ B
        public static readonly GraphicSet JisX0212 = new("ISO-IR 159", SetKind.JisX0212, false, [Esc, 0x24, 0x28, 0x44]); // ESC $ ( D
        public static readonly GraphicSet KsX1001 = new("ISO-IR 149", SetKind.KsX1001, true, [Esc, 0x24, 0x29, 0x43]);   // ESC $ ) C
        public static readonly GraphicSet Gb2312 = new("ISO-IR 58", SetKind.Gb2312, true, [Esc, 0x24, 0x29, 0x41]);      // ESC $ ) A

        /// <summary>96-character sets invoked in G1 by ESC 02/13 F (PS3.3 Table C.12-3): ISO-IR number, code page, final byte.</summary>
        private static readonly (int Ir, int CodePage, byte Final)[] Sets96 =
        [
            (100, 28591, 0x41), (101, 28592, 0x42), (109, 28593, 0x43), (110, 28594, 0x44), (144, 28595, 0x4C),
            (127, 28596, 0x47), (126, 28597, 0x46), (138, 28598, 0x48), (148, 28599, 0x4D), (203, 28605, 0x62),
            (166, 874, 0x54),
        ];

        private static readonly Dictionary<int, GraphicSet> Upper = Sets96.ToDictionary(
            s => s.Ir,
            s => new GraphicSet($"ISO-IR {s.Ir}", SetKind.SingleByte96, true, [Esc, 0x2D, s.Final], new SingleByteTable(s.CodePage)));

        public static readonly GraphicSet[] All =
            [Ascii, JisRoman, JisKatakana, JisKatakanaG0, JisX0208, JisX0212, KsX1001, Gb2312, .. Upper.Values];

        /// <summary>The table for a single-valued "ISO_IR n" term without code extensions, or null.</summary>
        public static SingleByteTable? SingleByteFor(string term) =>
            term.StartsWith("ISO_IR ", StringComparison.Ordinal) && int.TryParse(term.AsSpan(7), out int ir) &&
            Upper.TryGetValue(ir, out var set) ? set.Table : null;

        /// <summary>The sets a (normalized) defined term designates; empty when the term is unknown.</summary>
        public static GraphicSet[] ForTerm(string term)
        {
            if (term is "" or "ISO_IR 6" or "ISO 2022 IR 6") return [Ascii];
            int space = term.LastIndexOf(' ');
            if (space < 0 || !term.StartsWith("ISO", StringComparison.Ordinal) || !int.TryParse(term.AsSpan(space + 1), out int ir))
                return [];
            return ir switch
            {
                13 => [JisRoman, JisKatakana],
                87 => [JisX0208],
                159 => [JisX0212],
                149 => [KsX1001],
                58 => [Gb2312],
                _ when Upper.TryGetValue(ir, out var set) => [Ascii, set],
                _ => [],
            };
        }

        public static GraphicSet? FromEscape(ReadOnlySpan<byte> escape)
        {
            foreach (var set in All)
                if (escape.SequenceEqual(set.Escape)) return set;
            // ESC $ @ (JIS C 6226-1978) and ESC $ ( B are older designations of the same kanji set.
            if (escape.SequenceEqual((ReadOnlySpan<byte>)[Esc, 0x24, 0x40]) || escape.SequenceEqual((ReadOnlySpan<byte>)[Esc, 0x24, 0x28, 0x42]))
                return JisX0208;
            return null;
        }
    }

    /// <summary>A single-byte table: 0x00-0x9F are ASCII and C1 controls, 0xA0-0xFF come from the code page.</summary>
    private sealed class SingleByteTable
    {
        private readonly char[] chars = new char[256];
        private readonly Dictionary<char, byte> bytes = [];

        public SingleByteTable(int codePage)
        {
            var encoding = Encoding.GetEncoding(codePage, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD"));
            Span<byte> one = stackalloc byte[1];
            Span<char> decoded = stackalloc char[2];
            for (int b = 0; b < 256; b++)
            {
                char c = (char)b;
                if (b >= 0xA0)
                {
                    one[0] = (byte)b;
                    c = encoding.GetChars(one, decoded) == 1 ? decoded[0] : '\uFFFD';
                    // Code pages map unassigned bytes to the Private Use Area; the ISO standards leave them undefined.
                    if (c is >= '\uE000' and <= '\uF8FF' || char.IsSurrogate(c)) c = '\uFFFD';
                }
                chars[b] = c;
                if (c != '\uFFFD') bytes.TryAdd(c, (byte)b);
            }
        }

        public char this[byte b] => chars[b];

        public bool TryGetByte(char c, out byte b) => bytes.TryGetValue(c, out b);
    }

    /// <summary>The sets declared by a multi-valued (or "ISO 2022") Specific Character Set, and the initial state.</summary>
    private sealed class Iso2022Sets
    {
        public Iso2022Sets(string[] normalizedTerms)
        {
            var declared = new List<GraphicSet>();
            AllKnown = true;
            for (int i = 0; i < normalizedTerms.Length; i++)
            {
                var sets = GraphicSet.ForTerm(normalizedTerms[i]);
                if (sets.Length == 0 && !(i > 0 && normalizedTerms[i].Length == 0)) AllKnown = false;
                if (i == 0)
                {
                    InitialG0 = sets.FirstOrDefault(s => !s.IsG1 && !s.IsMultiByte) ?? GraphicSet.Ascii;
                    InitialG1 = sets.FirstOrDefault(s => s.IsG1);
                    declared.Add(InitialG0);
                    if (InitialG1 is not null) declared.Add(InitialG1);
                }
                foreach (var s in sets)
                    if (!declared.Contains(s)) declared.Add(s);
            }
            Candidates = [.. declared];
            FallbackG1 = InitialG1 ?? Candidates.FirstOrDefault(s => s.IsG1);
        }

        public GraphicSet InitialG0 { get; } = GraphicSet.Ascii;
        public GraphicSet? InitialG1 { get; }

        /// <summary>Sets tried, in order, when the encoder needs a character not in the active G0 or G1.</summary>
        public GraphicSet[] Candidates { get; }

        /// <summary>Used for GR bytes when no G1 set is designated (common in Korean data that omits the escape).</summary>
        public GraphicSet? FallbackG1 { get; }

        public bool AllKnown { get; }
    }
}
