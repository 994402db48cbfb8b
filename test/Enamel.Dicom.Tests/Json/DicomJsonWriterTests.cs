using System.Text.Json;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Xunit;

namespace Enamel.Dicom.Tests.Json;

public class DicomJsonWriterTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(49151)]
    [InlineData(49152)]
    [InlineData(49153)]
    [InlineData(300_001)]
    public void Write_LargeBinary_Base64SegmentsDecodeToSameBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var ds = new DicomDataset().SetBytes(DicomTags.PixelData, DicomVR.OB, bytes);
        using var doc = JsonDocument.Parse(DicomJsonWriter.ToJson(ds));
        var element = doc.RootElement.GetProperty("7FE00010");
        if (length == 0) Assert.False(element.TryGetProperty("InlineBinary", out _));
        else Assert.Equal(bytes, element.GetProperty("InlineBinary").GetBytesFromBase64());

        var xml = XDocument.Parse(DicomXmlWriter.ToXml(ds));
        var inline = xml.Root!.Element("DicomAttribute")!.Element("InlineBinary");
        if (length == 0) Assert.Null(inline);
        else Assert.Equal(bytes, Convert.FromBase64String(inline!.Value));
    }

    [Fact]
    public void Write_DeferredValues_StreamFromFile()
    {
        var path = TestFiles.Sample("CT_small.dcm");
        using var deferred = DicomFile.Open(path, new DicomReadOptions { LargeValueThreshold = 16 });
        using var loaded = DicomFile.Open(path);
        Assert.True(((DicomValueElement)deferred.Dataset[DicomTags.PixelData]!).Value.IsDeferred);
        Assert.Equal(DicomJsonWriter.ToJson(loaded.Dataset), DicomJsonWriter.ToJson(deferred.Dataset));
    }

    [Fact]
    public void WriteXml_ControlCharacterInText_ThrowsWithTag()
    {
        var ds = new DicomDataset().SetString(DicomTags.StudyDescription, DicomVR.LO, "a\u0001b");
        var ex = Assert.Throws<DicomXmlException>(() => DicomXmlWriter.ToXml(ds));
        Assert.Contains("U+0001", ex.Problem);
        Assert.Equal("(0008,1030)", ex.Path);
    }

    [Fact]
    public void Write_PrivateElements_KeepCreatorInJsonAndXml()
    {
        var ds = new DicomDataset();
        ds.SetString(new DicomTag(0x00290010), DicomVR.LO, "ACME 1.0");
        ds.SetString(new DicomTag(0x00291008), DicomVR.CS, "X");
        var json = DicomJsonWriter.ToJson(ds);
        Assert.Contains("\"00290010\":{\"vr\":\"LO\",\"Value\":[\"ACME 1.0\"]}", json);
        var xml = DicomXmlWriter.ToXml(ds);
        Assert.Contains("tag=\"00290008\" vr=\"CS\" privateCreator=\"ACME 1.0\"", xml);
        DatasetAssert.Equal(ds, DicomXmlReader.Parse(xml));
    }

    /// <summary>Random values of every numeric VR and UTF-8 text survive dataset → JSON → dataset and → XML → dataset.</summary>
    [Property(MaxTest = 200)]
    public bool RoundTrip_RandomValues_Equal(int[] sl, double[] fd, float[] fl, short[] ss, NonNull<string> text, long sv)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SpecificCharacterSet, DicomVR.CS, "ISO_IR 192");
        ds.SetBytes(new DicomTag(0x00189219), DicomVR.SL, Bytes(sl, (s, v) => System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(s, v), 4));
        ds.SetBytes(new DicomTag(0x00189087), DicomVR.FD, Bytes(fd, (s, v) => System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(s, v), 8));
        ds.SetBytes(new DicomTag(0x00189218), DicomVR.FL, Bytes(fl, (s, v) => System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(s, v), 4));
        ds.SetBytes(new DicomTag(0x00280106), DicomVR.SS, Bytes(ss, (s, v) => System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(s, v), 2));
        ds.SetBytes(new DicomTag(0x0072007F), DicomVR.SV, Bytes([sv], (s, v) => System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(s, v), 8));
        // UT keeps leading spaces and backslashes; trailing padding and XML-illegal characters are outside the model.
        var t = new string(text.Get.Where(c => System.Xml.XmlConvert.IsXmlChar(c) && c != '\r').ToArray()).TrimEnd(' ', '\0');
        ds.SetString(DicomTags.TextValue, DicomVR.UT, t);
        DatasetAssert.Equal(ds, DicomJsonReader.Parse(DicomJsonWriter.ToJson(ds)));
        DatasetAssert.Equal(ds, DicomXmlReader.Parse(DicomXmlWriter.ToXml(ds)));
        return true;
    }

    private delegate void Put<T>(Span<byte> s, T v);

    private static byte[] Bytes<T>(T[] values, Put<T> put, int size)
    {
        var b = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++) put(b.AsSpan(i * size, size), values[i]);
        return b;
    }
}
