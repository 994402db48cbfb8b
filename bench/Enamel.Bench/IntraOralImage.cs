using Enamel.Dicom;

namespace Enamel.Bench;

/// <summary>
/// A realistic Digital Intra-Oral X-Ray header (about 100 elements, with code sequences) as a dental sensor
/// writes it: explicit VR little endian, 16 bits allocated, 12 stored. All values are synthetic (no PHI).
/// </summary>
internal static class IntraOralImage
{
    public const string SopClass = "1.2.840.10008.5.1.4.1.1.1.3"; // Digital Intra-Oral X-Ray Image Storage - For Presentation
    public const string StudyRoot = "1.2.826.0.1.3680043.10.1234";

    public static DicomDataset Header(int index, int rows, int columns, int frames = 1)
    {
        var ds = new DicomDataset();
        void S(ushort g, ushort e, DicomVR vr, params string[] v) => ds.SetString(new DicomTag(g, e), vr, v);
        void U(ushort g, ushort e, params ushort[] v) => ds.SetUInt16(new DicomTag(g, e), v);
        string uid = $"{StudyRoot}.3.{index + 1}";

        S(0x0008, 0x0005, DicomVR.CS, "ISO_IR 192");
        S(0x0008, 0x0008, DicomVR.CS, "ORIGINAL", "PRIMARY");
        S(0x0008, 0x0012, DicomVR.DA, "20261123");
        S(0x0008, 0x0013, DicomVR.TM, "101500.000000");
        S(0x0008, 0x0016, DicomVR.UI, SopClass);
        S(0x0008, 0x0018, DicomVR.UI, uid);
        S(0x0008, 0x0020, DicomVR.DA, "20261123");
        S(0x0008, 0x0021, DicomVR.DA, "20261123");
        S(0x0008, 0x0022, DicomVR.DA, "20261123");
        S(0x0008, 0x0023, DicomVR.DA, "20261123");
        S(0x0008, 0x0030, DicomVR.TM, "101200");
        S(0x0008, 0x0031, DicomVR.TM, "101300");
        S(0x0008, 0x0032, DicomVR.TM, "101412.250000");
        S(0x0008, 0x0033, DicomVR.TM, "101412.250000");
        S(0x0008, 0x0050, DicomVR.SH, $"ACC{index:D6}");
        S(0x0008, 0x0060, DicomVR.CS, "IO");
        S(0x0008, 0x0064, DicomVR.CS, "DI");
        S(0x0008, 0x0068, DicomVR.CS, "FOR PRESENTATION");
        S(0x0008, 0x0070, DicomVR.LO, "Synthetic Sensors Ltd");
        S(0x0008, 0x0080, DicomVR.LO, "Example Dental Clinic");
        S(0x0008, 0x0081, DicomVR.ST, "1 Example Street, Exampletown");
        S(0x0008, 0x0090, DicomVR.PN, "Referrer^Rita");
        S(0x0008, 0x1010, DicomVR.SH, "OP-ROOM-2");
        S(0x0008, 0x1030, DicomVR.LO, "Bitewing series");
        S(0x0008, 0x103E, DicomVR.LO, "BW right");
        S(0x0008, 0x1040, DicomVR.LO, "Dental imaging");
        S(0x0008, 0x1050, DicomVR.PN, "Performer^Paul");
        S(0x0008, 0x1070, DicomVR.PN, "Operator^Olga");
        S(0x0008, 0x1090, DicomVR.LO, "IO-Sensor 2");
        ds.Set(CodeSequence(new DicomTag(0x0008, 0x2218), ("T-11170", "SRT", "Maxilla"), ("T-11180", "SRT", "Mandible")));
        ds.Set(CodeSequence(new DicomTag(0x0008, 0x2228), ("T-54010", "SRT", "Tooth")));
        ds.Set(CodeSequence(new DicomTag(0x0054, 0x0220), ("R-10206", "SRT", "Bitewing")));
        S(0x0010, 0x0010, DicomVR.PN, $"Synthetic^Patient{index:D4}");
        S(0x0010, 0x0020, DicomVR.LO, $"PID{index:D6}");
        S(0x0010, 0x0021, DicomVR.LO, "ENAMEL");
        S(0x0010, 0x0030, DicomVR.DA, "19800101");
        S(0x0010, 0x0040, DicomVR.CS, index % 2 == 0 ? "F" : "M");
        S(0x0010, 0x1010, DicomVR.AS, "046Y");
        S(0x0010, 0x4000, DicomVR.LT, "synthetic benchmark patient");
        S(0x0012, 0x0062, DicomVR.CS, "NO");
        S(0x0018, 0x0015, DicomVR.CS, "JAW");
        S(0x0018, 0x0060, DicomVR.DS, "60");
        S(0x0018, 0x1000, DicomVR.LO, $"SN{index % 7:D5}");
        S(0x0018, 0x1004, DicomVR.LO, "PLATE-A");
        S(0x0018, 0x1020, DicomVR.LO, "Sensor firmware 4.2.1");
        S(0x0018, 0x1030, DicomVR.LO, "BITEWING RIGHT");
        S(0x0018, 0x1110, DicomVR.DS, "200");
        S(0x0018, 0x1111, DicomVR.DS, "195");
        S(0x0018, 0x1150, DicomVR.IS, "80");
        S(0x0018, 0x1151, DicomVR.IS, "7");
        S(0x0018, 0x1152, DicomVR.IS, "1");
        S(0x0018, 0x1153, DicomVR.IS, "560");
        S(0x0018, 0x1160, DicomVR.SH, "ALUMINUM");
        S(0x0018, 0x1164, DicomVR.DS, "0.019", "0.019");
        S(0x0018, 0x1166, DicomVR.CS, "NONE");
        S(0x0018, 0x1190, DicomVR.DS, "0.4");
        S(0x0018, 0x11A0, DicomVR.DS, "10");
        S(0x0018, 0x1405, DicomVR.IS, "560");
        S(0x0018, 0x1508, DicomVR.CS, "ALL");
        S(0x0018, 0x5101, DicomVR.CS, "");
        S(0x0018, 0x7004, DicomVR.CS, "CMOS");
        S(0x0018, 0x700A, DicomVR.SH, "IO-SENSOR-2");
        S(0x0018, 0x7020, DicomVR.DS, "0.019", "0.019");
        S(0x0018, 0x7022, DicomVR.DS, "0.019", "0.019");
        S(0x0018, 0x7024, DicomVR.CS, "RECTANGLE");
        S(0x0018, 0x7026, DicomVR.DS, "28.5", "19.0");
        S(0x0020, 0x000D, DicomVR.UI, $"{StudyRoot}.1.{index / 10}");
        S(0x0020, 0x000E, DicomVR.UI, $"{StudyRoot}.2.{index / 5}");
        S(0x0020, 0x0010, DicomVR.SH, $"S{index / 10}");
        S(0x0020, 0x0011, DicomVR.IS, $"{index % 5 + 1}");
        S(0x0020, 0x0013, DicomVR.IS, $"{index + 1}");
        S(0x0020, 0x0020, DicomVR.CS, "L", "F");
        S(0x0020, 0x0060, DicomVR.CS, "R");
        S(0x0020, 0x0062, DicomVR.CS, "R");
        S(0x0020, 0x4000, DicomVR.LT, "synthetic image");
        U(0x0028, 0x0002, 1);
        S(0x0028, 0x0004, DicomVR.CS, "MONOCHROME2");
        if (frames > 1) S(0x0028, 0x0008, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        U(0x0028, 0x0010, (ushort)rows);
        U(0x0028, 0x0011, (ushort)columns);
        S(0x0028, 0x0030, DicomVR.DS, "0.019", "0.019");
        U(0x0028, 0x0100, 16);
        U(0x0028, 0x0101, 12);
        U(0x0028, 0x0102, 11);
        U(0x0028, 0x0103, 0);
        S(0x0028, 0x0300, DicomVR.CS, "NO");
        S(0x0028, 0x0301, DicomVR.CS, "NO");
        S(0x0028, 0x1040, DicomVR.CS, "LIN");
        S(0x0028, 0x1050, DicomVR.DS, "2048");
        S(0x0028, 0x1051, DicomVR.DS, "4096");
        S(0x0028, 0x1052, DicomVR.DS, "0");
        S(0x0028, 0x1053, DicomVR.DS, "1");
        S(0x0028, 0x1054, DicomVR.LO, "US");
        S(0x0028, 0x1055, DicomVR.LO, "DEFAULT");
        S(0x0028, 0x2110, DicomVR.CS, "00");
        S(0x0040, 0x0244, DicomVR.DA, "20261123");
        S(0x0040, 0x0245, DicomVR.TM, "101300");
        S(0x0040, 0x0253, DicomVR.SH, $"PPS{index:D6}");
        S(0x0040, 0x0254, DicomVR.LO, "Bitewing");
        S(0x2050, 0x0020, DicomVR.CS, "IDENTITY");
        return ds;
    }

    private static DicomSequence CodeSequence(DicomTag tag, params (string Value, string Scheme, string Meaning)[] codes)
    {
        var seq = new DicomSequence(tag);
        foreach (var (value, scheme, meaning) in codes)
        {
            var item = new DicomDataset();
            item.SetString(new DicomTag(0x0008, 0x0100), DicomVR.SH, value);
            item.SetString(new DicomTag(0x0008, 0x0102), DicomVR.SH, scheme);
            item.SetString(new DicomTag(0x0008, 0x0104), DicomVR.LO, meaning);
            seq.Add(item);
        }
        return seq;
    }

    /// <summary>A plausible 12-bit image: a smooth gradient with deterministic noise.</summary>
    public static byte[] Pixels(int rows, int columns, int seed)
    {
        var pixels = new byte[rows * columns * 2];
        var random = new Random(seed);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                int v = (r * 4095 / rows + c * 1024 / columns + random.Next(64)) & 0x0FFF;
                int at = (r * columns + c) * 2;
                pixels[at] = (byte)v;
                pixels[at + 1] = (byte)(v >> 8);
            }
        return pixels;
    }
}
