using Enamel.Dicom.Tests.Peers;

namespace Enamel.Dicom.Tests.IO;

/// <summary>Every file we write, in every native transfer syntax, is accepted by dcmtk (dcmftest, dcmdump) and pydicom, and they see the same elements.</summary>
public class WrittenFileInteropTests
{
    public static IEnumerable<object[]> NativeSamplesBySyntax()
    {
        string[] native = ["CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "ExplVR_BigEnd.dcm",
            "rtplan.dcm", "reportsi.dcm", "image_dfl.dcm", "liver_1frame.dcm", "SC_rgb_small_odd.dcm"];
        string[] syntaxes = ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"];
        foreach (var n in native)
            foreach (var s in syntaxes)
                yield return [n, s];
    }

    [Theory]
    [MemberData(nameof(NativeSamplesBySyntax))]
    public void Save_NativeSyntax_AcceptedByDcmtkAndPydicom(string sample, string syntaxUid)
    {
        var dir = TestFiles.NewTempDir();
        try
        {
            using var original = DicomFile.Open(TestFiles.Sample(sample));
            var syntax = DicomTransferSyntax.FromUid(syntaxUid);
            var meta = original.Meta.Clone();
            meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
            var path = Path.Combine(dir, "out.dcm");
            new DicomFile(meta, original.Dataset).Save(path);

            // dcmtk's own conversion of the original to the same syntax is the reference for pixel meaning
            // (8-bit OW in big endian is word-swapped per PS3.5; pydicom alone would misread it).
            var reference = Path.Combine(dir, "dcmtk.dcm");
            var flag = syntax.Uid switch { "1.2.840.10008.1.2" => "+ti", "1.2.840.10008.1.2.2" => "+tb", "1.2.840.10008.1.2.1.99" => "+td", _ => "+te" };
            var conv = PeerTools.Run("dcmconv", [flag, TestFiles.Sample(sample), reference]);
            Assert.True(conv.ExitCode == 0, $"dcmconv: {conv.StdErr}");

            var ftest = PeerTools.Run("dcmftest", [path]);
            Assert.True(ftest.StdOut.StartsWith("yes:", StringComparison.Ordinal), $"dcmftest: {ftest.StdOut}{ftest.StdErr}");

            var dump = PeerTools.Run("dcmdump", ["-q", "-dc", "+E", path]);
            Assert.True(dump.ExitCode == 0 && dump.StdErr.Length == 0, $"dcmdump exit {dump.ExitCode}: {dump.StdErr}");

            // pydicom lists every top-level keyword/tag and the pixel bytes' length; compare with ours.
            var py = PeerTools.Run(PeerTools.PythonPath, ["-c", """
import sys, hashlib, pydicom
ds = pydicom.dcmread(sys.argv[1])
print(ds.file_meta.TransferSyntaxUID)
def pixels(d):
    return hashlib.sha256(d.pixel_array.astype(d.pixel_array.dtype.newbyteorder("<")).tobytes()).hexdigest() if "PixelData" in d else "none"
print(pixels(ds), pixels(pydicom.dcmread(sys.argv[2])))
for e in ds:
    print("%08X" % int(e.tag))
""", path, reference]);
            Assert.True(py.ExitCode == 0, $"pydicom failed: {py.StdErr}");
            var lines = py.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(syntax.Uid, lines[0].Trim());
            var hashes = lines[1].Split(' ');
            Assert.True(hashes[0] == hashes[1], $"pydicom decodes different pixels from our {syntax.Name} copy than from dcmtk's conversion of the original");
            var theirs = lines.Skip(2).Select(l => l.Split(' ')[0]).ToArray();
            var ours = original.Dataset.Select(e => e.Tag.ToHex()).ToArray();
            Assert.Equal(ours, theirs);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
