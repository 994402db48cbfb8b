namespace Enamel.Dicom;

/// <summary>Value representations (PS3.5 6.2). The numeric value packs the two ASCII letters.</summary>
public enum DicomVR : ushort
{
    /// <summary>No VR: items and delimiters.</summary>
    None = 0,
    AE = ('A' << 8) | 'E', AS = ('A' << 8) | 'S', AT = ('A' << 8) | 'T',
    CS = ('C' << 8) | 'S', DA = ('D' << 8) | 'A', DS = ('D' << 8) | 'S', DT = ('D' << 8) | 'T',
    FD = ('F' << 8) | 'D', FL = ('F' << 8) | 'L', IS = ('I' << 8) | 'S', LO = ('L' << 8) | 'O',
    LT = ('L' << 8) | 'T', OB = ('O' << 8) | 'B', OD = ('O' << 8) | 'D', OF = ('O' << 8) | 'F',
    OL = ('O' << 8) | 'L', OV = ('O' << 8) | 'V', OW = ('O' << 8) | 'W', PN = ('P' << 8) | 'N',
    SH = ('S' << 8) | 'H', SL = ('S' << 8) | 'L', SQ = ('S' << 8) | 'Q', SS = ('S' << 8) | 'S',
    ST = ('S' << 8) | 'T', SV = ('S' << 8) | 'V', TM = ('T' << 8) | 'M', UC = ('U' << 8) | 'C',
    UI = ('U' << 8) | 'I', UL = ('U' << 8) | 'L', UN = ('U' << 8) | 'N', UR = ('U' << 8) | 'R',
    US = ('U' << 8) | 'S', UT = ('U' << 8) | 'T', UV = ('U' << 8) | 'V',
}

/// <summary>Encoding facts about each VR (PS3.5 Table 6.2-1 and 7.1.2).</summary>
public static class DicomVRInfo
{
    public static string Code(this DicomVR vr) =>
        vr == DicomVR.None ? "NONE" : new string([(char)((ushort)vr >> 8), (char)((ushort)vr & 0xFF)]);

    public static bool TryParse(ReadOnlySpan<byte> twoBytes, out DicomVR vr)
    {
        vr = (DicomVR)((twoBytes[0] << 8) | twoBytes[1]);
        return IsKnown(vr);
    }

    public static bool TryParse(string code, out DicomVR vr)
    {
        vr = DicomVR.None;
        if (code.Length != 2) return false;
        vr = (DicomVR)((code[0] << 8) | code[1]);
        return IsKnown(vr);
    }

    public static DicomVR Parse(string code) =>
        TryParse(code, out var vr) ? vr : throw new FormatException($"'{code}' is not a DICOM VR");

    public static bool IsKnown(DicomVR vr) => vr switch
    {
        DicomVR.AE or DicomVR.AS or DicomVR.AT or DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.DT or
        DicomVR.FD or DicomVR.FL or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.OB or DicomVR.OD or
        DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.PN or DicomVR.SH or DicomVR.SL or
        DicomVR.SQ or DicomVR.SS or DicomVR.ST or DicomVR.SV or DicomVR.TM or DicomVR.UC or DicomVR.UI or
        DicomVR.UL or DicomVR.UN or DicomVR.UR or DicomVR.US or DicomVR.UT or DicomVR.UV => true,
        _ => false,
    };

    /// <summary>Explicit VR encodings with a 2-byte reserved field and a 32-bit length.</summary>
    public static bool HasLongLength(this DicomVR vr) => vr switch
    {
        DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.SQ or
        DicomVR.SV or DicomVR.UC or DicomVR.UN or DicomVR.UR or DicomVR.UT or DicomVR.UV => true,
        _ => false,
    };

    /// <summary>Character-string VRs (padded with a space).</summary>
    public static bool IsString(this DicomVR vr) => vr switch
    {
        DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.DT or DicomVR.IS or
        DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.TM or DicomVR.UC or
        DicomVR.UI or DicomVR.UR or DicomVR.UT => true,
        _ => false,
    };

    /// <summary>String VRs whose bytes are decoded with the Specific Character Set (others are default repertoire).</summary>
    public static bool UsesSpecificCharacterSet(this DicomVR vr) => vr switch
    {
        DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT => true,
        _ => false,
    };

    /// <summary>String VRs where backslash separates values (LT, ST, UT and UR are single-valued).</summary>
    public static bool IsMultiValuedString(this DicomVR vr) => vr.IsString() &&
        vr is not (DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UR);

    /// <summary>Size of one binary value for numeric VRs (byte order swaps in this unit); 0 otherwise.</summary>
    public static int UnitSize(this DicomVR vr) => vr switch
    {
        DicomVR.AT => 2, // two 16-bit halves, each swapped
        DicomVR.US or DicomVR.SS or DicomVR.OW => 2,
        DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.OF or DicomVR.OL => 4,
        DicomVR.FD or DicomVR.OD or DicomVR.SV or DicomVR.UV or DicomVR.OV => 8,
        _ => 0,
    };

    /// <summary>Padding byte for odd-length values: NUL for UI and binary, space for text.</summary>
    public static byte PaddingByte(this DicomVR vr) => vr == DicomVR.UI || !vr.IsString() ? (byte)0 : (byte)' ';

    /// <summary>Binary VRs whose value may be large bulk data.</summary>
    public static bool IsBulkCandidate(this DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or
        DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.UN;

    /// <summary>Maximum value length in bytes for fixed-size string VRs (PS3.5 Table 6.2-1); 0 when unbounded.</summary>
    public static int MaxLength(this DicomVR vr) => vr switch
    {
        DicomVR.AE => 16, DicomVR.AS => 4, DicomVR.CS => 16, DicomVR.DA => 8, DicomVR.DS => 16, DicomVR.DT => 26,
        DicomVR.IS => 12, DicomVR.LO => 64, DicomVR.LT => 10240, DicomVR.PN => 64 * 3 + 2, DicomVR.SH => 16,
        DicomVR.ST => 1024, DicomVR.TM => 14, DicomVR.UI => 64,
        _ => 0,
    };
}
