using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Enamel.Dicom;

/// <summary>Typed access to values: strings decode with the character set in force; numbers from binary or text VRs.</summary>
public sealed partial class DicomDataset
{
    /// <summary>The whole decoded value (all values joined by backslash), trailing padding removed; null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!TryGet(tag, out var e)) return null;
        return e switch
        {
            DicomValueElement v when v.VR.IsString() || v.VR == DicomVR.UN => DecodeText(v),
            DicomValueElement v => string.Join('\\', GetNumbersAsText(v)),
            _ => null,
        };
    }

    /// <summary>The values of a multi-valued element: strings split on backslash, or binary numbers as text.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        if (!TryGet(tag, out var e) || e is not DicomValueElement v || v.Length == 0) return [];
        if (v.VR.IsString())
        {
            var text = DecodeText(v);
            return v.VR.IsMultiValuedString() ? text.Split('\\') : [text];
        }
        return GetNumbersAsText(v);
    }

    /// <summary>Value <paramref name="index"/> trimmed, or null when there are fewer values.</summary>
    public string? GetSingleString(DicomTag tag, int index = 0)
    {
        var values = GetStrings(tag);
        return index < values.Length ? values[index].Trim() : null;
    }

    private string DecodeText(DicomValueElement v)
    {
        var bytes = v.Value.GetMemory().Span;
        var text = v.VR.UsesSpecificCharacterSet() ? CharacterSet.Decode(bytes, v.VR, v.Tag) : DicomCharacterSet.DecodeDefault(bytes, v.Tag);
        return TrimPadding(text, v.VR);
    }

    /// <summary>Removes trailing padding (PS3.5 6.2): spaces and NULs for every VR (UI pads with NUL); leading spaces are kept.</summary>
    internal static string TrimPadding(string text, DicomVR vr) => text.TrimEnd('\0', ' ');

    private static string[] GetNumbersAsText(DicomValueElement v)
    {
        var span = v.Value.GetMemory().Span;
        var inv = CultureInfo.InvariantCulture;
        switch (v.VR)
        {
            case DicomVR.US: return Read(span, 2, s => BinaryPrimitives.ReadUInt16LittleEndian(s).ToString(inv));
            case DicomVR.SS: return Read(span, 2, s => BinaryPrimitives.ReadInt16LittleEndian(s).ToString(inv));
            case DicomVR.UL: return Read(span, 4, s => BinaryPrimitives.ReadUInt32LittleEndian(s).ToString(inv));
            case DicomVR.SL: return Read(span, 4, s => BinaryPrimitives.ReadInt32LittleEndian(s).ToString(inv));
            case DicomVR.FL: return Read(span, 4, s => BinaryPrimitives.ReadSingleLittleEndian(s).ToString("R", inv));
            case DicomVR.FD: return Read(span, 8, s => BinaryPrimitives.ReadDoubleLittleEndian(s).ToString("R", inv));
            case DicomVR.SV: return Read(span, 8, s => BinaryPrimitives.ReadInt64LittleEndian(s).ToString(inv));
            case DicomVR.UV: return Read(span, 8, s => BinaryPrimitives.ReadUInt64LittleEndian(s).ToString(inv));
            case DicomVR.AT:
                return Read(span, 4, s => new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(s), BinaryPrimitives.ReadUInt16LittleEndian(s[2..])).ToHex());
            default: return [];
        }

        static string[] Read(ReadOnlySpan<byte> s, int size, SpanFunc f)
        {
            var r = new string[s.Length / size];
            for (int i = 0; i < r.Length; i++) r[i] = f(s.Slice(i * size, size));
            return r;
        }
    }

    private delegate string SpanFunc(ReadOnlySpan<byte> s);

    /// <summary>Numeric value <paramref name="index"/> of a binary (US, SS, UL, SL, FL, FD, SV, UV) or numeric string (IS, DS) element.</summary>
    public bool TryGetNumber(DicomTag tag, out double value, int index = 0)
    {
        value = 0;
        if (!TryGet(tag, out var e) || e is not DicomValueElement v) return false;
        if (v.VR is DicomVR.IS or DicomVR.DS)
        {
            var values = GetStrings(tag);
            return index < values.Length && double.TryParse(values[index].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
        int size = v.VR.UnitSize();
        if (size == 0 || v.VR == DicomVR.AT || (long)(index + 1) * size > v.Length) return false;
        Span<byte> b = stackalloc byte[8];
        v.Value.Read((long)index * size, b[..size]);
        value = v.VR switch
        {
            DicomVR.US or DicomVR.OW => BinaryPrimitives.ReadUInt16LittleEndian(b),
            DicomVR.SS => BinaryPrimitives.ReadInt16LittleEndian(b),
            DicomVR.UL or DicomVR.OL => BinaryPrimitives.ReadUInt32LittleEndian(b),
            DicomVR.SL => BinaryPrimitives.ReadInt32LittleEndian(b),
            DicomVR.FL or DicomVR.OF => BinaryPrimitives.ReadSingleLittleEndian(b),
            DicomVR.FD or DicomVR.OD => BinaryPrimitives.ReadDoubleLittleEndian(b),
            DicomVR.SV => BinaryPrimitives.ReadInt64LittleEndian(b),
            DicomVR.UV or DicomVR.OV => BinaryPrimitives.ReadUInt64LittleEndian(b),
            _ => 0,
        };
        return true;
    }

    public int GetInt32(DicomTag tag, int defaultValue = 0, int index = 0) =>
        TryGetNumber(tag, out var d, index) ? (int)d : defaultValue;

    public double GetDouble(DicomTag tag, double defaultValue = 0, int index = 0) =>
        TryGetNumber(tag, out var d, index) ? d : defaultValue;

    public int ValueCount(DicomTag tag)
    {
        if (!TryGet(tag, out var e)) return 0;
        return e switch
        {
            DicomSequence s => s.Items.Count,
            DicomValueElement v when v.Length == 0 => 0,
            DicomValueElement v when v.VR.IsString() => v.VR.IsMultiValuedString() ? GetStrings(tag).Length : 1,
            DicomValueElement v when v.VR == DicomVR.AT => (int)(v.Length / 4),
            DicomValueElement v when v.VR.UnitSize() > 0 && !v.VR.IsBulkCandidate() => (int)(v.Length / v.VR.UnitSize()),
            _ => 1,
        };
    }

    public DicomSequence? GetSequence(DicomTag tag) => this[tag] as DicomSequence;

    // ---- setters -------------------------------------------------------------------------------------------

    /// <summary>
    /// Sets a string value (several values join with backslash). Text VRs are encoded in the Specific Character Set in
    /// force (default repertoire: ASCII; declare ISO_IR 192 for new data); text it cannot represent throws <see cref="DicomTextException"/>.
    /// </summary>
    public DicomDataset SetString(DicomTag tag, DicomVR vr, params string[] values)
    {
        var text = string.Join('\\', values);
        if (vr.UsesSpecificCharacterSet() && !Ascii.IsValid(text) && ReferenceEquals(CharacterSet, DicomCharacterSet.Default))
        {
            // New data is written as UTF-8: declare it where no character set is in force yet.
            Set(new DicomValueElement(DicomTags.SpecificCharacterSet, DicomVR.CS, DicomValue.FromBytes(Pad(Encoding.ASCII.GetBytes("ISO_IR 192"), DicomVR.CS))));
        }
        byte[] bytes = vr.UsesSpecificCharacterSet() ? CharacterSet.Encode(text, vr, tag) : Encoding.ASCII.GetBytes(text);
        return Set(new DicomValueElement(tag, vr, DicomValue.FromBytes(Pad(bytes, vr))));
    }

    /// <summary>Sets a string value with the dictionary's VR for the tag.</summary>
    public DicomDataset SetString(DicomTag tag, params string[] values) => SetString(tag, DicomDictionary.DefaultVR(tag), values);

    public DicomDataset SetUInt16(DicomTag tag, params ushort[] values)
    {
        var b = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), values[i]);
        return Set(new DicomValueElement(tag, DicomVR.US, DicomValue.FromBytes(b)));
    }

    public DicomDataset SetUInt32(DicomTag tag, params uint[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), values[i]);
        return Set(new DicomValueElement(tag, DicomVR.UL, DicomValue.FromBytes(b)));
    }

    public DicomDataset SetBytes(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> littleEndianBytes) =>
        Set(new DicomValueElement(tag, vr, DicomValue.FromBytes(littleEndianBytes)));

    public DicomDataset SetValue(DicomTag tag, DicomVR vr, DicomValue value) => Set(new DicomValueElement(tag, vr, value));

    internal static byte[] Pad(byte[] bytes, DicomVR vr)
    {
        if ((bytes.Length & 1) == 0) return bytes;
        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = vr.PaddingByte();
        return padded;
    }
}
