using System.Text.Json;

namespace Enamel.Dicom.Tests.Json;

public class DicomJsonReaderTests
{
    [Theory]
    [InlineData("""{"0010001":{"vr":"PN"}}""", "not a tag", "$[\"0010001\"]")]
    [InlineData("""{"0010001G":{"vr":"PN"}}""", "not a tag", "$[\"0010001G\"]")]
    [InlineData("""{"00100010":{"vr":"XX"}}""", "unknown VR", "$[\"00100010\"].vr")]
    [InlineData("""{"00100010":{"Value":["A"]}}""", "missing \"vr\"", "$[\"00100010\"]")]
    [InlineData("""{"00100010":{"vr":"PN","Value":"Doe"}}""", "expected an array", "$[\"00100010\"].Value")]
    [InlineData("""{"00100010":{"vr":"PN","Value":["Doe"]}}""", "expected a person name object", "$[\"00100010\"].Value[0]")]
    [InlineData("""{"00100020":{"vr":"LO","Value":[12]}}""", "expected a string", "$[\"00100020\"].Value[0]")]
    [InlineData("""{"00280010":{"vr":"US","Value":[70000]}}""", "not a valid US", "$[\"00280010\"].Value")]
    [InlineData("""{"7FE00010":{"vr":"OB","InlineBinary":"@@@"}}""", "not valid base64", "$[\"7FE00010\"].InlineBinary")]
    [InlineData("""{"00100020":{"vr":"LO","InlineBinary":"AAAA"}}""", "InlineBinary is for binary VRs", "$[\"00100020\"].InlineBinary")]
    [InlineData("""{"00081140":{"vr":"SQ","Value":[{"00081155":{"vr":"UI","Value":[1]}}]}}""", "expected a string", "$[\"00081140\"].Value[0][\"00081155\"].Value[0]")]
    [InlineData("""{"00200032":{"vr":"AT","Value":["0020"]}}""", "not a tag", "$[\"00200032\"].Value")]
    [InlineData("""{"00281310":{"vr":"US","Value":[1,null]}}""", "VR US has no empty value", "$[\"00281310\"].Value")]
    [InlineData("""[1,2]""", "expected a dataset object", "$")]
    [InlineData("""{"00100010":{"vr":"PN",""", "not valid JSON", "$")]
    public void Parse_BadInput_ThrowsWithPath(string json, string problem, string path)
    {
        var ex = Assert.Throws<DicomJsonException>(() => DicomJsonReader.Parse(json));
        Assert.Contains(problem, ex.Problem);
        Assert.StartsWith(path, ex.Path);
    }

    [Fact]
    public void Parse_NonAsciiText_StoresUtf8AndDeclaresIsoIr192()
    {
        var ds = DicomJsonReader.Parse("""{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jürgen","Ideographic":"山田^太郎"}]}}""");
        Assert.Equal("ISO_IR 192", ds.GetString(DicomTags.SpecificCharacterSet));
        Assert.Equal("Müller^Jürgen=山田^太郎", ds.GetString(DicomTags.PatientName));
    }

    [Fact]
    public void Parse_AsciiText_KeepsDeclaredCharacterSet()
    {
        var ds = DicomJsonReader.Parse("""{"00080005":{"vr":"CS","Value":["ISO_IR 100"]},"00100020":{"vr":"LO","Value":["X1"]}}""");
        Assert.Equal("ISO_IR 100", ds.GetString(DicomTags.SpecificCharacterSet));
    }

    [Fact]
    public void Parse_Numbers_BecomeBinaryAndDecimalText()
    {
        var ds = DicomJsonReader.Parse("""{"00280010":{"vr":"US","Value":[512]},"00280030":{"vr":"DS","Value":[0.5,1e-3]}}""");
        Assert.Equal(512, ds.GetInt32(DicomTags.Rows));
        Assert.Equal(["0.5", "1e-3"], ds.GetStrings(DicomTags.PixelSpacing));
    }

    [Fact]
    public void Parse_NullInMultiValuedString_IsEmptyValue()
    {
        var ds = DicomJsonReader.Parse("""{"00080008":{"vr":"CS","Value":["ORIGINAL",null,"AXIAL"]}}""");
        Assert.Equal(["ORIGINAL", "", "AXIAL"], ds.GetStrings(DicomTags.ImageType));
        Assert.Contains("\"Value\":[\"ORIGINAL\",null,\"AXIAL\"]", DicomJsonWriter.ToJson(ds));
    }

    [Fact]
    public void Parse_BulkDataUri_ResolvedByCallbackOrKept()
    {
        const string json = """{"7FE00010":{"vr":"OW","BulkDataURI":"https://pacs.example/bulk/1"}}""";
        var kept = DicomJsonReader.Parse(json);
        var value = Assert.IsType<BulkDataUriValue>(((DicomValueElement)kept[DicomTags.PixelData]!).Value);
        Assert.Equal("https://pacs.example/bulk/1", value.Uri);
        Assert.Equal(0, value.Length);
        Assert.Contains("\"BulkDataURI\":\"https://pacs.example/bulk/1\"", DicomJsonWriter.ToJson(kept));

        var resolved = DicomJsonReader.Parse(json, new DicomJsonReaderOptions { ResolveBulkData = (uri, tag, vr) => DicomValue.FromBytes(new byte[] { 1, 0, 2, 0 }) });
        Assert.Equal(2, resolved.GetInt32(DicomTags.PixelData, index: 1));
    }

    [Fact]
    public void Write_BinaryAboveThreshold_UsesCallbackUri()
    {
        var ds = new DicomDataset();
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, new byte[2000]);
        ds.SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 });
        var seen = new List<string>();
        var json = DicomJsonWriter.ToJson(ds, new DicomJsonWriterOptions
        {
            InlineThreshold = 1024,
            BulkDataUri = (path, e) => { seen.Add(path); return "bulk/" + path; },
        });
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("bulk/7FE00010", doc.RootElement.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        Assert.Equal("AAE=", doc.RootElement.GetProperty("00020001").GetProperty("InlineBinary").GetString());
        Assert.Equal(["7FE00010"], seen);
    }

    [Fact]
    public void Write_DecimalString_KeepsValidTextAndNormalisesTheRest()
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.PixelSpacing, DicomVR.DS, " 1.50", ".5 ", "+2", "1E5");
        ds.SetString(DicomTags.InstanceNumber, DicomVR.IS, "+07");
        var json = DicomJsonWriter.ToJson(ds);
        Assert.Contains("\"Value\":[1.50,0.5,2,1E5]", json);
        Assert.Contains("\"Value\":[7]", json);
    }

    [Fact]
    public void Write_PersonNameAndAttributeTag_UsePs318Forms()
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう");
        ds.SetBytes(new DicomTag(0x00209165), DicomVR.AT, new byte[] { 0x20, 0x00, 0x32, 0x00 });
        ds.Set(new DicomSequence(DicomTags.ReferencedImageSequence));
        var json = DicomJsonWriter.ToJson(ds);
        Assert.Contains("""{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}""", json);
        Assert.Contains("""["00200032"]""", json);
        Assert.Contains("\"00081140\":{\"vr\":\"SQ\"}", json);
    }
}
