using System.Globalization;
using System.Text;
using Enamel.Dicom;

namespace Enamel.Bench.Archive;

/// <summary>
/// The synthetic dental corpus, written with Enamel.Dicom and cached in the work folder (a ".done" marker per set):
/// intra-oral sets (Digital Intra-Oral X-Ray Image Storage - For Presentation, 1500x1000 16-bit, 12 bits stored,
/// about 3 MB each), a panoramic (Digital X-Ray - For Presentation, 2900x1400), a CBCT as 300 single-frame
/// CT Image Storage instances (512x512 16-bit), a 1 GiB Multi-frame Grayscale Word Secondary Capture, and tiny
/// (8x8) instances for the QIDO index, stored as ready-made STOW-RS multipart bodies of 100 instances each.
/// </summary>
internal static class Corpus
{
    public const string Boundary = "enamel-bench-boundary-7f3c";
    public const int TinyPerBatch = 100;
    public const int TinyPerStudy = 10;
    public const int TinyStudiesPerPatient = 4;

    private static readonly string[] Surnames = BuildSurnames();
    private static readonly string[] Given = ["ANNA", "BERT", "CLARA", "DIRK", "EMMA", "FELIX", "GRETA", "HANS", "IDA", "JONAS",
        "KARIN", "LUKAS", "MARIE", "NILS", "OLGA", "PAUL", "RITA", "SVEN", "TINA", "UWE"];

    private static bool Done(string dir) => File.Exists(Path.Combine(dir, ".done"));
    private static void MarkDone(string dir) => File.WriteAllText(Path.Combine(dir, ".done"), DateTime.UtcNow.ToString("O"));

    /// <summary>An intra-oral set: a few patients, each with full-mouth series of 18 images per study.</summary>
    public static List<string> IntraOral(string dir, int count, int seed)
    {
        if (!Done(dir) || Directory.GetFiles(dir, "*.dcm").Length != count)
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            Directory.CreateDirectory(dir);
            const int width = 1500, height = 1000;
            var pixels = Noise(width * height, seed);
            var rnd = new Random(seed);
            string study = "", series = "", patientId = "", patientName = "", birth = "";
            DateOnly date = default;
            for (int i = 0; i < count; i++)
            {
                if (i % 18 == 0)
                {
                    int patient = (i / 18) % 8; // 8 patients, several studies each
                    patientId = $"IO{seed}{patient:D3}";
                    patientName = $"{Surnames[patient * 7 % Surnames.Length]}^{Given[patient % Given.Length]}";
                    birth = $"{1950 + patient * 7}0{1 + patient % 9}15";
                    study = DicomImplementation.NewUid();
                    series = DicomImplementation.NewUid();
                    date = new DateOnly(2024, 1, 2).AddDays(rnd.Next(600));
                }
                BitConverter.TryWriteBytes(pixels.AsSpan(0, 4), i); // each image differs
                var ds = Patient(patientId, patientName, birth);
                StudyModule(ds, study, date, $"A{seed}{i / 18:D5}", "Full mouth series");
                ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.1.3");
                ds.SetString(DicomTags.SOPInstanceUID, DicomImplementation.NewUid());
                ds.SetString(DicomTags.SeriesInstanceUID, series);
                ds.SetString(DicomTags.Modality, "IO");
                ds.SetString(DicomTags.SeriesNumber, "1");
                ds.SetString(DicomTags.InstanceNumber, ((i % 18) + 1).ToString(CultureInfo.InvariantCulture));
                ds.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY");
                ds.SetString(DicomTags.PresentationIntentType, "FOR PRESENTATION");
                ds.SetString(DicomTags.ImageLaterality, i % 2 == 0 ? "R" : "L");
                ds.SetString(DicomTags.BodyPartExamined, "JAW");
                ds.SetString(DicomTags.PositionerType, "NONE");
                ds.SetString(DicomTags.DetectorType, "SCINTILLATOR");
                ds.SetString(DicomTags.KVP, "60");
                ds.SetString(DicomTags.ExposureTime, "80");
                ds.SetString(DicomTags.XRayTubeCurrent, "7");
                ds.SetString(DicomTags.ImagerPixelSpacing, "0.02", "0.02");
                ds.SetString(DicomTags.PixelSpacing, "0.02", "0.02");
                ds.Set(new DicomSequence(DicomTags.AnatomicRegionSequence, [Code("T-D0100", "SRT", "Mandible")]));
                ds.Set(new DicomSequence(DicomTags.PrimaryAnatomicStructureSequence, [Code($"T-D{(i % 32) + 1:D2}", "SRT", "Tooth")]));
                Image(ds, width, height, pixels);
                ds.SetString(DicomTags.WindowCenter, "2048");
                ds.SetString(DicomTags.WindowWidth, "4096");
                ds.SetString(DicomTags.PresentationLUTShape, "IDENTITY");
                ds.SetString(DicomTags.PixelIntensityRelationship, "LIN");
                ds.SetString(DicomTags.PixelIntensityRelationshipSign, "1");
                DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(Path.Combine(dir, $"io{i:D5}.dcm"));
            }
            MarkDone(dir);
        }
        return Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToList();
    }

    public static string Panoramic(string dir) => Panoramic(dir, "pano.dcm", 0, Noise(2900 * 1400, 7));

    /// <summary>
    /// The whole mixed corpus: <paramref name="count"/> instances, 60 % intra-oral (3 MB), 2 % panoramic (8 MB) and the
    /// rest CBCT slices (0.5 MB) in one series, ≈ 4.3 GB at 2,000; shuffled with a fixed seed so the kinds interleave.
    /// </summary>
    public static List<string> Mixed(string dir, int count)
    {
        int io = count * 60 / 100, pano = Math.Max(1, count * 2 / 100), ct = Math.Max(0, count - io - pano);
        var files = IntraOral(Path.Combine(dir, "io"), io, 6);
        var panoDir = Path.Combine(dir, "pano");
        var pixels = Noise(2900 * 1400, 8);
        for (int i = 0; i < pano; i++) files.Add(Panoramic(panoDir, $"pano{i:D4}.dcm", i + 1, pixels));
        if (ct > 0) files.AddRange(Cbct(Path.Combine(dir, "ct"), ct));
        var rnd = new Random(42);
        return [.. files.OrderBy(_ => rnd.Next())];
    }

    private static string Panoramic(string dir, string name, int index, byte[] pixels)
    {
        var path = Path.Combine(dir, name);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(dir);
        const int width = 2900, height = 1400;
        BitConverter.TryWriteBytes(pixels.AsSpan(0, 4), index);
        var id = $"PX{index + 1:D4}";
        var ds = Patient(id, "PANORAMA^PAUL", "19700101");
        StudyModule(ds, DicomImplementation.NewUid(), new DateOnly(2025, 3, 4), id, "Panoramic");
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.1.1");
        ds.SetString(DicomTags.SOPInstanceUID, DicomImplementation.NewUid());
        ds.SetString(DicomTags.SeriesInstanceUID, DicomImplementation.NewUid());
        ds.SetString(DicomTags.Modality, "PX");
        ds.SetString(DicomTags.SeriesNumber, "1");
        ds.SetString(DicomTags.InstanceNumber, "1");
        ds.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY");
        ds.SetString(DicomTags.PresentationIntentType, "FOR PRESENTATION");
        ds.SetString(DicomTags.ImagerPixelSpacing, "0.1", "0.1");
        Image(ds, width, height, pixels);
        ds.SetString(DicomTags.WindowCenter, "2048");
        ds.SetString(DicomTags.WindowWidth, "4096");
        ds.SetString(DicomTags.PresentationLUTShape, "IDENTITY");
        var tmp = path + ".tmp";
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(tmp);
        File.Move(tmp, path);
        return path;
    }

    /// <summary>CBCT volume as 300 single-frame CT Image Storage instances of 512x512 (one series).</summary>
    public static List<string> Cbct(string dir, int slices)
    {
        if (!Done(dir))
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            Directory.CreateDirectory(dir);
            const int size = 512;
            var pixels = Noise(size * size, 11);
            string study = DicomImplementation.NewUid(), series = DicomImplementation.NewUid(), frame = DicomImplementation.NewUid();
            for (int i = 0; i < slices; i++)
            {
                BitConverter.TryWriteBytes(pixels.AsSpan(0, 4), i);
                var ds = Patient("CB0001", "VOLUME^VERA", "19800505");
                StudyModule(ds, study, new DateOnly(2025, 5, 6), "CB0001", "CBCT maxilla");
                ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
                ds.SetString(DicomTags.SOPInstanceUID, DicomImplementation.NewUid());
                ds.SetString(DicomTags.SeriesInstanceUID, series);
                ds.SetString(DicomTags.FrameOfReferenceUID, frame);
                ds.SetString(DicomTags.Modality, "CT");
                ds.SetString(DicomTags.SeriesNumber, "1");
                ds.SetString(DicomTags.InstanceNumber, (i + 1).ToString(CultureInfo.InvariantCulture));
                ds.SetString(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
                ds.SetString(DicomTags.KVP, "90");
                ds.SetString(DicomTags.SliceThickness, "0.2");
                ds.SetString(DicomTags.PixelSpacing, "0.2", "0.2");
                ds.SetString(DicomTags.ImageOrientationPatient, "1", "0", "0", "0", "1", "0");
                ds.SetString(DicomTags.ImagePositionPatient, "-51.2", "-51.2", (i * 0.2).ToString("0.0", CultureInfo.InvariantCulture));
                ds.SetString(DicomTags.RescaleIntercept, "-1024");
                ds.SetString(DicomTags.RescaleSlope, "1");
                Image(ds, size, size, pixels);
                DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(Path.Combine(dir, $"ct{i:D4}.dcm"));
            }
            MarkDone(dir);
        }
        return Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A Multi-frame Grayscale Word Secondary Capture of <paramref name="frames"/> 1024x1024 16-bit frames (2 MiB each); the header is written with Enamel.Dicom, the Pixel Data streamed after it.</summary>
    public static string MultiFrame(string dir, string name, int frames)
    {
        var path = Path.Combine(dir, name);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(dir);
        const int size = 1024;
        var ds = Patient("MF0001", "MULTI^FRAME", "19900101");
        StudyModule(ds, DicomImplementation.NewUid(), new DateOnly(2025, 6, 7), "MF0001", "Large multi-frame");
        ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomImplementation.NewUid());
        ds.SetString(DicomTags.SeriesInstanceUID, DicomImplementation.NewUid());
        ds.SetString(DicomTags.Modality, "OT");
        ds.SetString(DicomTags.SeriesNumber, "1");
        ds.SetString(DicomTags.InstanceNumber, "1");
        ds.SetString(DicomTags.ConversionType, "WSD");
        ds.SetString(DicomTags.NumberOfFrames, frames.ToString(CultureInfo.InvariantCulture));
        ds.SetUInt32(DicomTags.FrameIncrementPointer, 0x00181063); // Frame Time
        ds.SetString(DicomTags.FrameTime, "33.3");
        var frame = Noise(size * size, 5);
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.SetUInt16(DicomTags.Rows, size);
        ds.SetUInt16(DicomTags.Columns, size);
        ds.SetUInt16(DicomTags.BitsAllocated, 16);
        ds.SetUInt16(DicomTags.BitsStored, 12);
        ds.SetUInt16(DicomTags.HighBit, 11);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(fs);
            long length = (long)frames * frame.Length;
            Span<byte> head = stackalloc byte[12];
            head[0] = 0xE0; head[1] = 0x7F; head[2] = 0x10; head[3] = 0x00; head[4] = (byte)'O'; head[5] = (byte)'W'; head[6] = 0; head[7] = 0;
            BitConverter.TryWriteBytes(head[8..], checked((uint)length));
            fs.Write(head);
            for (int f = 0; f < frames; f++)
            {
                BitConverter.TryWriteBytes(frame.AsSpan(0, 4), f);
                fs.Write(frame);
            }
        }
        File.Move(tmp, path);
        return path;
    }

    /// <summary>Tiny 8x8 instances, <see cref="TinyPerStudy"/> per study, <see cref="TinyStudiesPerPatient"/> studies per patient, as multipart bodies of <see cref="TinyPerBatch"/>.</summary>
    public static List<string> TinyBatches(string dir, int instances)
    {
        if (!Done(dir) || Directory.GetFiles(dir, "*.mp").Length != (instances + TinyPerBatch - 1) / TinyPerBatch)
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
            Directory.CreateDirectory(dir);
            var pixels = Noise(64, 3);
            var rnd = new Random(1234);
            var body = new MemoryStream();
            var part = new MemoryStream();
            string study = "", series = "";
            DateOnly date = default;
            int batch = 0;
            for (int i = 0; i < instances; i++)
            {
                int studyNo = i / TinyPerStudy, patient = studyNo / TinyStudiesPerPatient;
                if (i % TinyPerStudy == 0)
                {
                    study = DicomImplementation.NewUid();
                    series = DicomImplementation.NewUid();
                    date = new DateOnly(2015, 1, 1).AddDays(rnd.Next(4000));
                }
                var ds = Patient(TinyPatientId(patient), TinyPatientName(patient), "19600101");
                StudyModule(ds, study, date, $"T{studyNo:D7}", "Bite-wings");
                ds.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.1.3");
                ds.SetString(DicomTags.SOPInstanceUID, DicomImplementation.NewUid());
                ds.SetString(DicomTags.SeriesInstanceUID, series);
                ds.SetString(DicomTags.Modality, "IO");
                ds.SetString(DicomTags.SeriesNumber, "1");
                ds.SetString(DicomTags.InstanceNumber, ((i % TinyPerStudy) + 1).ToString(CultureInfo.InvariantCulture));
                ds.SetString(DicomTags.PresentationIntentType, "FOR PRESENTATION");
                Image(ds, 8, 8, pixels);
                part.SetLength(0);
                DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(part);
                body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: application/dicom\r\n\r\n"));
                part.Position = 0;
                part.CopyTo(body);
                body.Write("\r\n"u8);
                if ((i + 1) % TinyPerBatch == 0 || i == instances - 1)
                {
                    body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
                    File.WriteAllBytes(Path.Combine(dir, $"b{batch++:D6}.mp"), body.ToArray());
                    body.SetLength(0);
                }
            }
            MarkDone(dir);
        }
        return Directory.GetFiles(dir, "*.mp").Order(StringComparer.Ordinal).ToList();
    }

    public static string TinyPatientId(int patient) => $"P{patient:D6}";
    public static string TinyPatientName(int patient) => $"{Surnames[patient % Surnames.Length]}^{Given[patient / Surnames.Length % Given.Length]}";
    public static string Surname(int i) => Surnames[i % Surnames.Length];

    private static string[] BuildSurnames()
    {
        // 500 synthetic surnames from syllables: prefix queries like "KAMO*" select a handful of patients.
        string[] a = ["KA", "MO", "LI", "BER", "TAN", "VO", "RU", "SEL", "DO", "FI"], b = ["MER", "LAN", "STO", "RIK", "BAU"],
            c = ["ER", "SEN", "MAN", "OVA", "INI", "ETTI", "OS", "UK", "AL", "IS"];
        var list = new List<string>();
        foreach (var x in a) foreach (var y in b) foreach (var z in c) list.Add(x + y + z);
        return [.. list];
    }

    private static DicomDataset Patient(string id, string name, string birth)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SpecificCharacterSet, "ISO_IR 100");
        ds.SetString(DicomTags.PatientName, name);
        ds.SetString(DicomTags.PatientID, id);
        ds.SetString(DicomTags.PatientBirthDate, birth);
        ds.SetString(DicomTags.PatientSex, id.GetHashCode() % 2 == 0 ? "F" : "M");
        ds.SetString(DicomTags.Manufacturer, "Enamel Bench");
        ds.SetString(DicomTags.ManufacturerModelName, "Synthetic");
        ds.SetString(DicomTags.InstitutionName, "Bench Dental Clinic");
        return ds;
    }

    private static void StudyModule(DicomDataset ds, string study, DateOnly date, string accession, string description)
    {
        ds.SetString(DicomTags.StudyInstanceUID, study);
        ds.SetString(DicomTags.StudyDate, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        ds.SetString(DicomTags.StudyTime, "101500");
        ds.SetString(DicomTags.AccessionNumber, accession);
        ds.SetString(DicomTags.ReferringPhysicianName, "DENTIST^DORA");
        ds.SetString(DicomTags.StudyID, "1");
        ds.SetString(DicomTags.StudyDescription, description);
    }

    private static void Image(DicomDataset ds, int width, int height, byte[] pixels)
    {
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetString(DicomTags.PhotometricInterpretation, "MONOCHROME2");
        ds.SetUInt16(DicomTags.Rows, (ushort)height);
        ds.SetUInt16(DicomTags.Columns, (ushort)width);
        ds.SetUInt16(DicomTags.BitsAllocated, 16);
        ds.SetUInt16(DicomTags.BitsStored, 12);
        ds.SetUInt16(DicomTags.HighBit, 11);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels);
    }

    private static DicomDataset Code(string value, string scheme, string meaning)
    {
        var item = new DicomDataset();
        item.SetString(DicomTags.CodeValue, value);
        item.SetString(DicomTags.CodingSchemeDesignator, scheme);
        item.SetString(DicomTags.CodeMeaning, meaning);
        return item;
    }

    /// <summary>12-bit noise with a smooth gradient, 16 bits allocated, little endian.</summary>
    private static byte[] Noise(int pixels, int seed)
    {
        var rnd = new Random(seed);
        var bytes = new byte[pixels * 2];
        for (int i = 0; i < pixels; i++)
        {
            int v = (i % 4096 + rnd.Next(256)) & 0x0FFF;
            bytes[2 * i] = (byte)v;
            bytes[2 * i + 1] = (byte)(v >> 8);
        }
        return bytes;
    }
}
