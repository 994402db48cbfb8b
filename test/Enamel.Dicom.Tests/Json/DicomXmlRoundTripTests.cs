namespace Enamel.Dicom.Tests.Json;

public class DicomXmlRoundTripTests
{
    [Theory]
    [MemberData(nameof(TestFiles.ReadableSamples), MemberType = typeof(TestFiles))]
    public void Read_WrittenSample_EqualsOriginal(string name)
    {
        using var file = DicomFile.Open(TestFiles.Sample(name));
        var xml = DicomXmlWriter.ToXml(file.Dataset);
        var back = DicomXmlReader.Parse(xml);
        DatasetAssert.Equal(file.Dataset, back);
    }
}
