using System.Diagnostics;

namespace Enamel.Dicom.Tests.Text;

/// <summary>Second peer: dcmtk's dcmconv +U8 (iconv) converts our encoded files to UTF-8; the text must survive.</summary>
public class DcmtkCharacterSetTests
{
    private const string Dcmconv = "/usr/bin/dcmconv";

    [Fact]
    public void ConvertToUtf8_OurEncodedFiles_DcmtkReadsOriginalText()
    {
        if (!File.Exists(Dcmconv)) throw new InvalidOperationException($"peer missing: {Dcmconv} (dcmtk) is required for this test");
        var dir = TestFiles.NewTempDir();
        var paths = PydicomCharacterSetTests.WriteCases(dir);
        int compared = 0;
        for (int i = 0; i < paths.Count; i++)
        {
            var (charset, values) = PydicomCharacterSetTests.Cases[i];
            if (!DcmtkConverts(charset)) continue;
            compared++;
            var converted = paths[i] + ".utf8.dcm";
            Convert(paths[i], converted);
            using var file = DicomFile.Open(converted);
            Assert.Equal("ISO_IR 192", file.Dataset.GetString(DicomTags.SpecificCharacterSet));
            foreach (var (keyword, value) in values)
            {
                string[] expected = value is string[] many ? many : [(string)value];
                var actual = PydicomCharacterSetTests.Strings(file.Dataset, PydicomCharacterSetTests.Attributes[keyword].Tag);
                Assert.True(expected.SequenceEqual(actual),
                    $"{string.Join('\\', charset)} {keyword}: expected [{string.Join(" | ", expected)}] dcmtk gave [{string.Join(" | ", actual)}]");
            }
        }
        Assert.True(compared >= 20, $"only {compared} character sets compared");
    }

    /// <summary>
    /// dcmtk 3.6.7 built on glibc iconv reports ISO 2022 IR 87 and IR 159 as unsupported, and refuses a single-valued
    /// "ISO 2022 IR n"; those are covered by the standard's examples and by pydicom instead.
    /// </summary>
    private static bool DcmtkConverts(string[] charset) =>
        !charset.Any(t => t is "ISO 2022 IR 87" or "ISO 2022 IR 159") && !(charset.Length == 1 && charset[0].StartsWith("ISO 2022", StringComparison.Ordinal));

    private static void Convert(string input, string output)
    {
        var psi = new ProcessStartInfo(Dcmconv) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "+U8", input, output }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Dcmconv}");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1))) { process.Kill(); throw new TimeoutException("dcmconv did not finish"); }
        Assert.True(process.ExitCode == 0, $"dcmconv +U8 failed on {Path.GetFileName(input)}: {stderr.Result}");
    }
}
