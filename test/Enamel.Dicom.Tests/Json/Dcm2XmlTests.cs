using System.Diagnostics;

namespace Enamel.Dicom.Tests.Json;

/// <summary>
/// Reads dcmtk's Native DICOM Model output (dcm2xml --native-format --encode-base64) and compares it with the file,
/// element for element. Where dcm2xml 3.6.7 deviates, the comparison is adjusted here and nowhere else:
/// - OW values are base64-encoded by dcm2xml in big-endian byte order; we swap them back before comparing;
/// - encapsulated Pixel Data is written by dcm2xml as an empty &lt;InlineBinary/&gt;, so that one element is not compared;
/// - a PN made only of delimiters ("^^^^") is written without components, so it is compared as empty;
/// </summary>
public class Dcm2XmlTests
{
    private const string Dcm2Xml = "/usr/bin/dcm2xml";

    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Read_Dcm2XmlNativeOutput_EqualsDataset(string name)
    {
        var path = TestFiles.Sample(name);
        using var file = DicomFile.Open(path);
        var xml = RunDcm2Xml(path);
        var fromDcmtk = DicomXmlReader.Read(new MemoryStream(xml));
        var expected = file.Dataset.Clone();
        Normalise(expected, fromDcmtk);
        DatasetAssert.Equal(expected, fromDcmtk);
    }

    private static void Normalise(DicomDataset expected, DicomDataset actual)
    {
        foreach (var e in expected.ToList())
        {
            if (!actual.TryGet(e.Tag, out var a)) continue;
            switch (e, a)
            {
                case (DicomFragmentSequence, _):
                    expected.Remove(e.Tag);
                    actual.Remove(e.Tag);
                    break;
                case (DicomValueElement ev, DicomValueElement av) when ev.VR == DicomVR.OW && av.VR == DicomVR.OW:
                    var swapped = av.Value.GetMemory().ToArray();
                    for (int i = 0; i + 1 < swapped.Length; i += 2) (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
                    actual.SetBytes(e.Tag, DicomVR.OW, swapped);
                    break;
                case (DicomValueElement ev, _) when ev.VR == DicomVR.PN && expected.GetString(e.Tag)!.All(c => c is '^' or '='):
                    expected.SetBytes(e.Tag, DicomVR.PN, ReadOnlyMemory<byte>.Empty);
                    break;
                case (DicomSequence es, DicomSequence @as):
                    for (int i = 0; i < Math.Min(es.Items.Count, @as.Items.Count); i++) Normalise(es.Items[i], @as.Items[i]);
                    break;
            }
        }
    }

    private static byte[] RunDcm2Xml(string path)
    {
        if (!File.Exists(Dcm2Xml)) throw new InvalidOperationException($"peer missing: {Dcm2Xml} (dcmtk) is required for this test");
        var psi = new ProcessStartInfo(Dcm2Xml) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--native-format", "--encode-base64", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"dcm2xml failed (exit {p.ExitCode}): {err.Result}");
        return ms.ToArray();
    }
}
