using System.Text.Json;

namespace Enamel.Dicom.Tests.Text;

/// <summary>Cross-checks decoding and encoding against pydicom (pydicom.charset) as the peer.</summary>
public class PydicomCharacterSetTests
{
    internal static readonly Dictionary<string, (DicomTag Tag, DicomVR VR)> Attributes = new()
    {
        ["PatientName"] = (DicomTags.PatientName, DicomVR.PN),
        ["OtherPatientNames"] = (DicomTags.OtherPatientNames, DicomVR.PN),
        ["StudyDescription"] = (DicomTags.StudyDescription, DicomVR.LO),
        ["SoftwareVersions"] = (DicomTags.SoftwareVersions, DicomVR.LO),
        ["ImageComments"] = (DicomTags.ImageComments, DicomVR.LT),
    };

    /// <summary>
    /// Every defined term pydicom 2.3 supports (it lacks ISO_IR 203), with PN, multi-valued PN and LO, and LT.
    /// PN values have no trailing "=": pydicom drops empty trailing component groups.
    /// Korean and Chinese LT values stay on one line: pydicom designates G1 once per value and does not repeat it
    /// after CR LF, so it cannot read its own multi-line output back (PS3.5 6.1.2.5.3 requires the repeat).
    /// </summary>
    internal static readonly (string[] Charset, Dictionary<string, object> Values)[] Cases =
    [
        (["ISO_IR 100"], new() { ["PatientName"] = "Buc^Jérôme", ["StudyDescription"] = "Äneas Rüdiger", ["ImageComments"] = "Ça va\r\nbien", ["SoftwareVersions"] = new[] { "é1", "ü2" } }),
        (["ISO_IR 101"], new() { ["PatientName"] = "Łódź^Żółć" }),
        (["ISO_IR 109"], new() { ["PatientName"] = "Ħaġar^Ċensu" }),
        (["ISO_IR 110"], new() { ["PatientName"] = "Jānis^Ķēniņš" }),
        (["ISO_IR 144"], new() { ["PatientName"] = "Люкceмбypг^Иван", ["OtherPatientNames"] = new[] { "Иван", "Пётр" } }),
        (["ISO_IR 127"], new() { ["PatientName"] = "قباني^لنزار" }),
        (["ISO_IR 126"], new() { ["PatientName"] = "Διονυσιος^Νίκος" }),
        (["ISO_IR 138"], new() { ["PatientName"] = "שרון^דבורה" }),
        (["ISO_IR 148"], new() { ["PatientName"] = "Işık^Gül" }),
        (["ISO_IR 166"], new() { ["PatientName"] = "ไทย^สมชาย" }),
        (["ISO_IR 13"], new() { ["PatientName"] = "ﾔﾏﾀﾞ^ﾀﾛｳ" }),
        (["ISO_IR 192"], new() { ["PatientName"] = "Wang^XiaoDong=王^小東", ["StudyDescription"] = "😀 naïve", ["SoftwareVersions"] = new[] { "王", "東" } }),
        (["GB18030"], new() { ["PatientName"] = "Wang^XiaoDong=王^小东", ["StudyDescription"] = "€ 😀" }),
        (["GBK"], new() { ["PatientName"] = "Zhang^XiaoDong=张^小东", ["StudyDescription"] = "中文" }),
        (["", "ISO 2022 IR 87"], new() { ["PatientName"] = "Yamada^Tarou=山田^太郎=やまだ^たろう", ["StudyDescription"] = "山田 太郎", ["ImageComments"] = "一行目\r\n二行目", ["SoftwareVersions"] = new[] { "山", "田" } }),
        (["ISO 2022 IR 13", "ISO 2022 IR 87"], new() { ["PatientName"] = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", ["StudyDescription"] = "ﾔﾏﾀﾞ 山田" }),
        (["", "ISO 2022 IR 159"], new() { ["PatientName"] = "丂^x" }),
        (["", "ISO 2022 IR 87", "ISO 2022 IR 159"], new() { ["PatientName"] = "山田丂^x" }),
        (["", "ISO 2022 IR 149"], new() { ["PatientName"] = "Hong^Gildong=洪^吉洞=홍^길동", ["StudyDescription"] = "한글 text", ["ImageComments"] = "The first line includes 한글." }),
        (["", "ISO 2022 IR 58"], new() { ["PatientName"] = "Zhang^XiaoDong=张^小东", ["ImageComments"] = "1.第一行文字。" }),
        (["ISO 2022 IR 100"], new() { ["PatientName"] = "Buc^Jérôme" }),
        (["ISO 2022 IR 100", "ISO 2022 IR 144"], new() { ["PatientName"] = "Müller^Иван" }),
        (["ISO 2022 IR 6", "ISO 2022 IR 126"], new() { ["PatientName"] = "Nikos^Νίκος" }),
        (["", "ISO 2022 IR 101"], new() { ["PatientName"] = "Lodz^Łódź" }),
        (["", "ISO 2022 IR 109"], new() { ["PatientName"] = "Hagar^Ħaġar" }),
        (["", "ISO 2022 IR 110"], new() { ["PatientName"] = "Janis^Jānis" }),
        (["", "ISO 2022 IR 127"], new() { ["PatientName"] = "Nizar^قباني" }),
        (["", "ISO 2022 IR 138"], new() { ["PatientName"] = "Sharon^שרון" }),
        (["", "ISO 2022 IR 148"], new() { ["PatientName"] = "Isik^Işık" }),
        (["", "ISO 2022 IR 166"], new() { ["PatientName"] = "Som^ไทย" }),
    ];

    /// <summary>
    /// pydicom 2.3 cannot decode ISO 2022 IR 58: it hands the escape sequence to Python's gb2312 codec, which keeps
    /// it as text (our bytes) or mis-decodes (its own). Its encoder is right, so only its decoding is not compared.
    /// </summary>
    private static bool PeerDecodes(string[] charset) => !charset.Contains("ISO 2022 IR 58");

    [Fact]
    public void Read_FilesWrittenByPydicom_DecodesAsPydicomDoes()
    {
        var dir = TestFiles.NewTempDir();
        var cases = Cases.Select((c, i) => new PeerCase(Path.Combine(dir, $"py{i}.dcm"), c.Charset, c.Values)).ToList();
        var decodedByPeer = PydicomPeer.Write(cases, dir);

        for (int i = 0; i < cases.Count; i++)
        {
            using var file = DicomFile.Open(cases[i].Path);
            var peer = decodedByPeer[i];
            Assert.Equal(cases[i].Values.Count, peer.Count);
            foreach (var (path, expected) in peer.Where(_ => PeerDecodes(cases[i].Charset)))
                AssertSame(expected, file.Dataset, new DicomTag(Convert.ToUInt32(path, 16)), $"{string.Join('\\', cases[i].Charset)} {path}");
            // pydicom read its own file back as the text it was given, so this also checks against the original.
            foreach (var (keyword, value) in cases[i].Values)
                Assert.Equal(value is string[] many ? many : [(string)value], Strings(file.Dataset, Attributes[keyword].Tag));
        }
    }

    [Fact]
    public void Write_OurEncoding_PydicomDecodesOriginalText()
    {
        var dir = TestFiles.NewTempDir();
        var paths = WriteCases(dir);

        var decodedByPeer = PydicomPeer.Read(dir, paths);
        for (int i = 0; i < Cases.Length; i++)
        {
            if (!PeerDecodes(Cases[i].Charset)) continue;
            foreach (var (keyword, value) in Cases[i].Values)
            {
                var key = Attributes[keyword].Tag.ToHex();
                Assert.True(decodedByPeer[i].TryGetValue(key, out var peer), $"pydicom did not read {keyword} from {paths[i]}");
                string[] expected = value is string[] many ? many : [(string)value];
                Assert.Equal(expected, PeerStrings(peer));
            }
        }
    }

    [Fact]
    public void Read_PydicomCharsetSampleFiles_DecodesAsPydicomDoes()
    {
        var dir = TestFiles.NewTempDir();
        var files = PydicomPeer.CharsetFiles(dir);
        Assert.True(files.Length >= 10, $"expected pydicom's charset sample files, found {files.Length}");
        var decodedByPeer = PydicomPeer.Read(dir, files);
        int compared = 0;
        for (int i = 0; i < files.Length; i++)
        {
            using var file = DicomFile.Open(files[i]);
            foreach (var (path, expected) in decodedByPeer[i])
            {
                var (dataset, tag) = Resolve(file.Dataset, path);
                // pydicom gives private UN elements a VR from its private dictionary; we keep them UN (not text).
                if (((DicomValueElement)dataset[tag]!).VR == DicomVR.UN) continue;
                AssertSame(expected, dataset, tag, $"{Path.GetFileName(files[i])} {path}");
                compared++;
            }
        }
        Assert.True(compared > 20, $"only {compared} values compared");
    }

    /// <summary>Writes each case with our encoder; returns the file paths in case order.</summary>
    internal static List<string> WriteCases(string dir)
    {
        var paths = new List<string>();
        foreach (var (charset, values) in Cases)
        {
            var ds = new DicomDataset();
            ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
            ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "1.2.3.4");
            ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, charset);
            foreach (var (keyword, value) in values)
                ds.SetString(Attributes[keyword].Tag, Attributes[keyword].VR, value is string[] many ? many : [(string)value]);
            var path = Path.Combine(dir, $"ours{paths.Count}.dcm");
            DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            paths.Add(path);
        }
        return paths;
    }

    private static void AssertSame(JsonElement peer, DicomDataset dataset, DicomTag tag, string where)
    {
        // pydicom drops empty trailing component groups of a person name ("Wang^XiaoDong=王^小東=").
        var ours = Strings(dataset, tag).Select(s => ((DicomValueElement)dataset[tag]!).VR == DicomVR.PN ? s.TrimEnd('=') : s);
        var theirs = PeerStrings(peer);
        Assert.True(theirs.SequenceEqual(ours), $"{where}: pydicom [{string.Join(" | ", theirs)}] ours [{string.Join(" | ", ours)}]");
    }

    /// <summary>Our values as pydicom presents them: multi-valued VRs split on the delimiter, text VRs whole.</summary>
    internal static string[] Strings(DicomDataset dataset, DicomTag tag)
    {
        var vr = ((DicomValueElement)dataset[tag]!).VR;
        return vr.IsMultiValuedString() ? dataset.GetStrings(tag).Select(s => s.TrimEnd(' ')).ToArray() : [dataset.GetString(tag)!];
    }

    private static string[] PeerStrings(JsonElement peer) => peer.ValueKind == JsonValueKind.Array
        ? peer.EnumerateArray().Select(e => e.GetString()!).ToArray()
        : [peer.GetString()!];

    /// <summary>Follows a path like "00081110[0]>00100010" from the peer's output.</summary>
    private static (DicomDataset, DicomTag) Resolve(DicomDataset root, string path)
    {
        var parts = path.Split('>');
        var ds = root;
        foreach (var part in parts[..^1])
        {
            int bracket = part.IndexOf('[');
            var seq = ds.GetSequence(new DicomTag(Convert.ToUInt32(part[..bracket], 16)))!;
            ds = seq.Items[int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)];
        }
        return (ds, new DicomTag(Convert.ToUInt32(parts[^1], 16)));
    }
}
