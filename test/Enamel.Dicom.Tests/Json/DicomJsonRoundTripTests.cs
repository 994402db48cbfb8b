namespace Enamel.Dicom.Tests.Json;

public class DicomJsonRoundTripTests
{
    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Read_WrittenSample_EqualsOriginal(string name)
    {
        using var file = DicomFile.Open(TestFiles.Sample(name));
        var json = DicomJsonWriter.ToJson(file.Dataset);
        var back = DicomJsonReader.Parse(json);
        DatasetAssert.Equal(file.Dataset, back);
    }
}
