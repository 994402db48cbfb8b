using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Enamel.Dicom;

/// <summary>
/// The value conversions shared by the DICOM JSON (PS3.18 Annex F) and Native DICOM Model XML (PS3.19 Annex A)
/// readers and writers: element values to and from a list of texts, person name groups, encapsulated pixel data.
/// </summary>
internal static class DicomJsonValues
{
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private static readonly Encoding Utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>VRs written as JSON numbers (F.2.3): IS, DS and the binary numeric VRs.</summary>
    public static bool IsNumber(DicomVR vr) => vr is DicomVR.IS or DicomVR.DS or DicomVR.US or DicomVR.SS or
        DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD or DicomVR.SV or DicomVR.UV;

    /// <summary>VRs carried as InlineBinary / BulkDataURI.</summary>
    public static bool IsBinary(DicomVR vr) => vr.IsBulkCandidate();

    /// <summary>
    /// The values of a string, number or AT element as text, an empty value as null. Strings are decoded with
    /// the character set in force; IS and DS lose their padding spaces (PS3.5 6.2 allows them on both sides).
    /// </summary>
    public static string?[] GetValues(DicomDataset dataset, DicomValueElement element)
    {
        var texts = dataset.GetStrings(element.Tag);
        var values = new string?[texts.Length];
        bool any = false;
        for (int i = 0; i < texts.Length; i++)
        {
            var t = element.VR is DicomVR.IS or DicomVR.DS ? texts[i].Trim(' ') : texts[i];
            values[i] = t.Length == 0 ? null : t;
            any |= values[i] is not null;
        }
        return any ? values : [];
    }

    /// <summary>JSON number grammar (RFC 8259 section 6): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    public static bool IsJsonNumber(ReadOnlySpan<char> s)
    {
        int i = 0;
        if (i < s.Length && s[i] == '-') i++;
        if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
        if (s[i] == '0') i++;
        else while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            i++;
            if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
            if (i >= s.Length || !char.IsAsciiDigit(s[i])) return false;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        return i == s.Length;
    }

    /// <summary>
    /// A DS or IS text as a JSON number: kept as written when it already is one (so it round-trips exactly),
    /// else re-formatted from its numeric value (".5" → 0.5, "+1" → 1); null when it is not a number at all.
    /// </summary>
    public static string? ToJsonNumber(string text, DicomVR vr)
    {
        if (IsJsonNumber(text)) return text;
        if (vr == DicomVR.IS)
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l.ToString(CultureInfo.InvariantCulture) : null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return d.ToString("R", CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>
    /// Encodes values read from JSON or XML into an element value. Text VRs use UTF-8 (<paramref name="nonAscii"/>
    /// is set when that matters); numbers are parsed for binary VRs; AT values are "GGGGEEEE".
    /// </summary>
    public static DicomValue Encode(DicomVR vr, IReadOnlyList<string?> values, ref bool nonAscii)
    {
        if (values.Count == 0) return DicomValue.Empty;
        int unit = vr == DicomVR.AT ? 4 : vr.UnitSize();
        if (!vr.IsString())
        {
            if (unit == 0) throw new FormatException($"VR {vr.Code()} cannot hold a value list");
            var bytes = new byte[values.Count * unit];
            for (int i = 0; i < values.Count; i++)
                WriteBinary(vr, values[i] ?? throw new FormatException($"value {i + 1} is null; VR {vr.Code()} has no empty value"), bytes.AsSpan(i * unit, unit));
            return DicomValue.FromBytes(bytes);
        }
        if (!vr.IsMultiValuedString() && values.Count > 1)
            throw new FormatException($"VR {vr.Code()} is single-valued but {values.Count} values were given");
        var sb = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0) sb.Append('\\');
            var v = values[i];
            if (v is null) continue;
            if (vr is DicomVR.IS or DicomVR.DS && ToJsonNumber(v.Trim(' '), vr) is null)
                throw new FormatException($"'{v}' is not a valid {vr.Code()} value");
            if (vr.IsMultiValuedString() && v.Contains('\\'))
                throw new FormatException($"value {i + 1} contains a backslash, the value delimiter of VR {vr.Code()}");
            sb.Append(vr == DicomVR.DS ? FitDecimalString(v) : v);
        }
        var text = sb.ToString();
        byte[] encoded;
        if (text.All(char.IsAscii)) encoded = Encoding.ASCII.GetBytes(text);
        else if (vr.UsesSpecificCharacterSet())
        {
            nonAscii = true;
            encoded = Utf8.GetBytes(text);
        }
        // Default-repertoire VRs are decoded as Latin-1 when a file breaks the rule; keep those bytes as they were.
        else if (text.All(c => c <= '\u00FF')) encoded = Latin1.GetBytes(text);
        else throw new FormatException($"VR {vr.Code()} allows only the default character repertoire");
        return DicomValue.FromBytes(DicomDataset.Pad(encoded, vr));
    }

    /// <summary>A DS longer than 16 characters (e.g. a double written in full by another tool) is re-formatted to fit PS3.5.</summary>
    private static string FitDecimalString(string v)
    {
        if (v.Length <= 16) return v;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            throw new FormatException($"'{v}' is not a decimal string");
        for (int digits = 15; digits > 0; digits--)
        {
            var s = d.ToString("G" + digits, CultureInfo.InvariantCulture);
            if (s.Length <= 16) return s;
        }
        throw new FormatException($"'{v}' does not fit in 16 characters");
    }

    private static void WriteBinary(DicomVR vr, string text, Span<byte> b)
    {
        var inv = CultureInfo.InvariantCulture;
        const NumberStyles integer = NumberStyles.AllowLeadingSign;
        const NumberStyles real = NumberStyles.Float;
        bool ok = true;
        switch (vr)
        {
            case DicomVR.US when Parse(text, integer, inv, out ushort us): BinaryPrimitives.WriteUInt16LittleEndian(b, us); break;
            case DicomVR.SS when Parse(text, integer, inv, out short ss): BinaryPrimitives.WriteInt16LittleEndian(b, ss); break;
            case DicomVR.UL when Parse(text, integer, inv, out uint ul): BinaryPrimitives.WriteUInt32LittleEndian(b, ul); break;
            case DicomVR.SL when Parse(text, integer, inv, out int sl): BinaryPrimitives.WriteInt32LittleEndian(b, sl); break;
            case DicomVR.SV when Parse(text, integer, inv, out long sv): BinaryPrimitives.WriteInt64LittleEndian(b, sv); break;
            case DicomVR.UV when Parse(text, integer, inv, out ulong uv): BinaryPrimitives.WriteUInt64LittleEndian(b, uv); break;
            case DicomVR.FL when Parse(text, real, inv, out float fl): BinaryPrimitives.WriteSingleLittleEndian(b, fl); break;
            case DicomVR.FD when Parse(text, real, inv, out double fd): BinaryPrimitives.WriteDoubleLittleEndian(b, fd); break;
            case DicomVR.AT when text.Length == 8 && uint.TryParse(text, NumberStyles.AllowHexSpecifier, inv, out uint at):
                BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(at >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(b[2..], (ushort)at);
                break;
            default: ok = false; break;
        }
        if (!ok) throw new FormatException(vr == DicomVR.AT ? $"'{text}' is not a tag like \"00100010\"" : $"'{text}' is not a valid {vr.Code()} value");
    }

    private static bool Parse<T>(string s, NumberStyles style, IFormatProvider p, out T value) where T : INumberBase<T>
    {
        // Integers written as 1.0 or 1e2 by other tools are accepted when they are whole numbers.
        if (T.TryParse(s, style, p, out value!)) return true;
        if (style == NumberStyles.AllowLeadingSign && decimal.TryParse(s, NumberStyles.Float, p, out var d) && d == decimal.Truncate(d))
        {
            try { value = T.CreateChecked(d); return true; }
            catch (OverflowException) { return false; }
        }
        return false;
    }

    // ---- person names (PS3.5 6.2.1) --------------------------------------------------------------------

    public static readonly string[] GroupNames = ["Alphabetic", "Ideographic", "Phonetic"];
    public static readonly string[] ComponentNames = ["FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix"];

    /// <summary>"Yamada^Tarou=山田^太郎=やまだ^たろう" → its component groups (at most three).</summary>
    public static string[] SplitGroups(string name)
    {
        var groups = name.Split('=');
        return groups.Length > 3 ? throw new FormatException("a person name has at most three component groups") : groups;
    }

    /// <summary>Joins component groups, dropping trailing empty groups.</summary>
    public static string JoinGroups(IReadOnlyList<string?> groups)
    {
        int n = groups.Count;
        while (n > 0 && string.IsNullOrEmpty(groups[n - 1])) n--;
        return string.Join('=', groups.Take(n).Select(g => g ?? ""));
    }

    // ---- encapsulated pixel data (PS3.5 A.4) --------------------------------------------------------------

    /// <summary>
    /// The encapsulated value as it appears in the file, without the sequence delimiter: the Basic Offset Table item
    /// followed by one item per fragment. This is what pydicom base64-encodes, so the InlineBinary matches it.
    /// </summary>
    public static IEnumerable<ReadOnlyMemory<byte>> EncapsulatedChunks(DicomFragmentSequence f)
    {
        yield return ItemHeader(f.OffsetTable.Length);
        if (f.OffsetTable.Length > 0) yield return f.OffsetTable.GetMemory();
        foreach (var frag in f.Fragments)
        {
            yield return ItemHeader(frag.Length);
            foreach (var chunk in DicomJsonWriter.Chunks(frag)) yield return chunk;
        }
    }

    public static long EncapsulatedLength(DicomFragmentSequence f) =>
        8 + f.OffsetTable.Length + f.Fragments.Sum(x => 8 + x.Length);

    private static byte[] ItemHeader(long length)
    {
        var h = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xE000FFFE);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), checked((uint)length));
        return h;
    }

    /// <summary>
    /// Recognises an encapsulated value (Pixel Data and friends given as one binary blob): a run of items starting with the
    /// Basic Offset Table that exactly fills the bytes. Returns false for native data.
    /// </summary>
    public static bool TryDecodeEncapsulated(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes, out DicomFragmentSequence fragments)
    {
        fragments = null!;
        if (vr is not (DicomVR.OB or DicomVR.OW) || (tag.Value & 0xFFFF0000) != 0x7FE00000) return false;
        var span = bytes.Span;
        var items = new List<DicomValue>();
        int pos = 0;
        while (pos < span.Length)
        {
            if (span.Length - pos < 8 || BinaryPrimitives.ReadUInt32LittleEndian(span[pos..]) != 0xE000FFFE) return false;
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(span[(pos + 4)..]);
            if (len > span.Length - pos - 8) return false;
            items.Add(DicomValue.FromBytes(bytes.Slice(pos + 8, (int)len)));
            pos += 8 + (int)len;
        }
        if (items.Count == 0) return false;
        fragments = new DicomFragmentSequence(tag, vr) { OffsetTable = items[0] };
        fragments.Fragments.AddRange(items.Skip(1));
        return true;
    }
}
