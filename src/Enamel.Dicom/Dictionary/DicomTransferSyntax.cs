namespace Enamel.Dicom;

/// <summary>How a dataset is encoded (PS3.5 10): VR explicitness, byte order, deflate, and pixel data encapsulation.</summary>
public sealed record DicomTransferSyntax(string Uid, bool IsExplicitVR, bool IsBigEndian, bool IsDeflated, bool IsEncapsulated, bool IsLossy)
{
    public string Name => DicomUids.NameOf(Uid);

    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", false, false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", true, false, false, false, false);
    public static readonly DicomTransferSyntax EncapsulatedUncompressed = new("1.2.840.10008.1.2.1.98", true, false, false, true, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", true, false, true, false, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", true, true, false, false, false);
    public static readonly DicomTransferSyntax JpegBaseline = new("1.2.840.10008.1.2.4.50", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegExtended = new("1.2.840.10008.1.2.4.51", true, false, false, true, true);
    public static readonly DicomTransferSyntax JpegLossless = new("1.2.840.10008.1.2.4.57", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLosslessSV1 = new("1.2.840.10008.1.2.4.70", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLsLossless = new("1.2.840.10008.1.2.4.80", true, false, false, true, false);
    public static readonly DicomTransferSyntax JpegLsNearLossless = new("1.2.840.10008.1.2.4.81", true, false, false, true, true);
    public static readonly DicomTransferSyntax Jpeg2000Lossless = new("1.2.840.10008.1.2.4.90", true, false, false, true, false);
    public static readonly DicomTransferSyntax Jpeg2000 = new("1.2.840.10008.1.2.4.91", true, false, false, true, true);
    public static readonly DicomTransferSyntax RleLossless = new("1.2.840.10008.1.2.5", true, false, false, true, false);

    private static readonly DicomTransferSyntax[] Known =
    [
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, EncapsulatedUncompressed, DeflatedExplicitVRLittleEndian,
        ExplicitVRBigEndian, JpegBaseline, JpegExtended, JpegLossless, JpegLosslessSV1, JpegLsLossless,
        JpegLsNearLossless, Jpeg2000Lossless, Jpeg2000, RleLossless,
    ];

    public static IReadOnlyList<DicomTransferSyntax> All => Known;

    /// <summary>The transfer syntax for a UID. Unknown registered or private UIDs are treated as encapsulated explicit VR little endian (PS3.5 A.4).</summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        uid = uid.TrimEnd('\0', ' ');
        foreach (var ts in Known)
            if (ts.Uid == uid) return ts;
        if (uid.Length == 0) throw new DicomFormatException("empty Transfer Syntax UID", 0, "(0002,0010)");
        var registered = DicomUids.Find(uid);
        if (registered is not null && !registered.IsTransferSyntax)
            throw new DicomFormatException($"{uid} ({registered.Name}) is not a transfer syntax", 0, "(0002,0010)");
        return new DicomTransferSyntax(uid, true, false, false, true, true);
    }

    /// <summary>True for a transfer syntax the standard defines (PS3.6 Annex A); false for an unknown or private UID.</summary>
    public static bool IsStandard(string uid)
    {
        uid = uid.TrimEnd('\0', ' ');
        foreach (var ts in Known)
            if (ts.Uid == uid) return true;
        return DicomUids.Find(uid) is { IsTransferSyntax: true };
    }

    public override string ToString() => $"{Uid} ({Name})";
}
