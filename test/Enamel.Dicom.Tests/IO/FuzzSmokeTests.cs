using Enamel.Dicom.Fuzz;

namespace Enamel.Dicom.Tests.IO;

/// <summary>
/// A short, deterministic run of the managed fuzzer (test/Enamel.Fuzz) over the sample corpus, and every input a
/// fuzzer ever found (test/TestData/fuzz) kept as a regression case. docs/fuzzing.md has the long runs.
/// </summary>
public class FuzzSmokeTests
{
    private static IReadOnlyList<byte[]> SampleCorpus() =>
        Directory.GetFiles(Path.Combine(TestFiles.Root, "samples"), "*.dcm").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

    [Fact]
    public void ManagedFuzzer_FixedSeed_NoUnexpectedException()
    {
        var log = new StringWriter();
        var report = new ManagedFuzzer(new ManagedFuzzerOptions
        {
            Corpus = SampleCorpus(),
            Seed = 20261123,
            MaxIterations = 4000,
            Duration = TimeSpan.FromSeconds(10),
            Timeout = TimeSpan.FromSeconds(10),
        }, log).Run();

        Assert.True(report.Executions >= 100, $"only {report.Executions} inputs ran");
        Assert.True(report.Findings.Count == 0,
            "unexpected outcomes:\n" + string.Join("\n\n", report.Findings.Select(f => $"{f.Kind} {f.Signature}\n{f.Message}")));
    }

    public static IEnumerable<object[]> FuzzFindings() =>
        Directory.GetFiles(Path.Combine(TestFiles.Root, "fuzz"), "*.dcm").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(n => new object[] { n! });

    [Theory]
    [MemberData(nameof(FuzzFindings))]
    public void FuzzTarget_PastFinding_OnlyExpectedOutcomes(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "fuzz", name));
        FuzzTarget.Run(bytes); // throws for anything but the reader's documented exceptions
    }

    [Theory]
    [InlineData("deflate-corrupt-stream.dcm")]
    [InlineData("deflate-corrupt-stream-2.dcm")]
    public void Open_CorruptDeflateStream_ThrowsFormatException(string name)
    {
        using var stream = File.OpenRead(Path.Combine(TestFiles.Root, "fuzz", name));
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(stream));
        Assert.Contains("is corrupt after", ex.Message);
        Assert.IsType<InvalidDataException>(ex.InnerException);
    }

    [Fact]
    public void Open_MetaWithoutTransferSyntax_ReportsTheSyntaxItWasReadWith()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "fuzz", "meta-without-transfer-syntax.dcm"));
        var file = DicomFile.Open(new MemoryStream(bytes));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, file.TransferSyntax);

        var saved = new MemoryStream();
        file.Save(saved);
        var again = DicomFile.Open(new MemoryStream(saved.ToArray()));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, again.TransferSyntax);
        // This input also holds group 0002 elements in its dataset; Part 10 writing leaves those out.
        DatasetAssert.Equal(new DicomDataset(file.Dataset.Where(e => e.Tag.Group != 0x0002)), again.Dataset);
    }

    [Fact]
    public void Save_DatasetHoldingGroup0002_MetaUnchangedAndElementsLeftOut()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestFiles.Root, "fuzz", "meta-elements-in-dataset.dcm"));
        var file = DicomFile.Open(new MemoryStream(bytes));
        Assert.Contains(file.Dataset, e => e.Tag.Group == 0x0002);

        var saved = new MemoryStream();
        file.Save(saved);
        var again = DicomFile.Open(new MemoryStream(saved.ToArray()));
        Assert.Equal(file.TransferSyntax, again.TransferSyntax);
        Assert.Equal(file.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID), again.Meta.GetString(DicomTags.MediaStorageSOPInstanceUID));
        Assert.DoesNotContain(again.Dataset, e => e.Tag.Group == 0x0002);
        Assert.Equal(file.Dataset.Count(e => e.Tag.Group != 0x0002), again.Dataset.Count);
    }
}
