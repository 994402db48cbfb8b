namespace Enamel.Dicom.Tests.Json;

public class DicomXmlReaderTests
{
    private const string Head = """<?xml version="1.0" encoding="utf-8"?>""";

    [Theory]
    [InlineData("""<!DOCTYPE NativeDicomModel [<!ENTITY x "y">]><NativeDicomModel/>""", "not well-formed XML")]
    [InlineData("""<Other/>""", "root element must be <NativeDicomModel>")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="0010001" vr="PN"/></NativeDicomModel>""", "is not eight hex digits")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00100010" vr="QQ"/></NativeDicomModel>""", "unknown VR \"QQ\"")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="7FE00010" vr="OB"><InlineBinary>@@</InlineBinary></DicomAttribute></NativeDicomModel>""", "not valid base64")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00280010" vr="US"><Value number="1">x</Value></DicomAttribute></NativeDicomModel>""", "not a valid US value")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00080008" vr="CS"><Value number="2">A</Value></DicomAttribute></NativeDicomModel>""", "number=\"1\" was expected")]
    [InlineData("""<NativeDicomModel><DicomAttribute tag="00100010" vr="PN"><Value number="1">A</Value></DicomAttribute></NativeDicomModel>""", "unexpected <Value>")]
    [InlineData("""<NativeDicomModel><Bogus/></NativeDicomModel>""", "unexpected element <Bogus>")]
    public void Parse_BadInput_ThrowsDicomXmlException(string xml, string problem)
    {
        var ex = Assert.Throws<DicomXmlException>(() => DicomXmlReader.Parse(Head + xml));
        Assert.Contains(problem, ex.Problem);
    }

    [Fact]
    public void Parse_ErrorInsideSequence_NamesTagPathAndLine()
    {
        const string xml = """
            <NativeDicomModel>
              <DicomAttribute tag="00081140" vr="SQ">
                <Item number="1">
                  <DicomAttribute tag="00081155" vr="UI"><Value number="1">1.2</Value></DicomAttribute>
                </Item>
                <Item number="2">
                  <DicomAttribute tag="00081160" vr="IS"><Value number="1">one</Value></DicomAttribute>
                </Item>
              </DicomAttribute>
            </NativeDicomModel>
            """;
        var ex = Assert.Throws<DicomXmlException>(() => DicomXmlReader.Parse(xml));
        Assert.Equal("(0008,1140)[2]>(0008,1160)", ex.Path);
        Assert.Equal(7, ex.Line);
    }

    [Fact]
    public void Parse_PrivateElementWithCreator_ReservesBlock()
    {
        const string xml = """
            <NativeDicomModel>
              <DicomAttribute tag="00090010" vr="LO"><Value number="1">OTHER</Value></DicomAttribute>
              <DicomAttribute tag="00090001" vr="LO" privateCreator="ACME 1.0"><Value number="1">x</Value></DicomAttribute>
              <DicomAttribute tag="00090010" vr="LO" privateCreator="OTHER"><Value number="1">y</Value></DicomAttribute>
            </NativeDicomModel>
            """;
        var ds = DicomXmlReader.Parse(xml);
        Assert.Equal("ACME 1.0", ds.GetString(new DicomTag(0x00090011)));
        Assert.Equal("x", ds.GetString(new DicomTag(0x00091101)));
        Assert.Equal("y", ds.GetString(new DicomTag(0x00091010)));
        Assert.Equal("ACME 1.0", ds.GetPrivateCreator(new DicomTag(0x00091101)));
    }

    [Fact]
    public void Parse_PersonNameComponents_JoinedWithDelimiters()
    {
        const string xml = """
            <NativeDicomModel>
              <DicomAttribute tag="00100010" vr="PN">
                <PersonName number="1">
                  <Alphabetic><FamilyName>Müller</FamilyName><GivenName>Jürgen</GivenName><NamePrefix>Dr</NamePrefix></Alphabetic>
                  <Ideographic><FamilyName>山田</FamilyName></Ideographic>
                </PersonName>
              </DicomAttribute>
              <DicomAttribute tag="7FE00010" vr="OB"><BulkData uri="https://pacs.example/b/1"/></DicomAttribute>
            </NativeDicomModel>
            """;
        var ds = DicomXmlReader.Parse(xml);
        Assert.Equal("Müller^Jürgen^^Dr=山田", ds.GetString(DicomTags.PatientName));
        Assert.Equal("ISO_IR 192", ds.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("https://pacs.example/b/1", Assert.IsType<BulkDataUriValue>(((DicomValueElement)ds[DicomTags.PixelData]!).Value).Uri);
    }
}
