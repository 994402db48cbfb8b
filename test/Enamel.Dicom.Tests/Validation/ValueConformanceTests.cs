using Enamel.Dicom.Validation;

namespace Enamel.Dicom.Tests.Validation;

public class ValueConformanceTests
{
    [Theory]
    [InlineData("XYZ")]
    [InlineData("20261301")]
    [InlineData("2026.01.01")]
    public void Validate_BadDate_ReportsVRNonConformance(string date)
    {
        var report = Validate(d => d.SetString(DicomTags.StudyDate, date));
        Assert.Contains(report.Errors, f => f.TagPath == "(0008,0020)" && f.Message.Contains($"value '{date}' does not conform to VR DA", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DicomVR.TM, "0008,0030", "25")]
    [InlineData(DicomVR.TM, "0008,0030", "1261")]
    [InlineData(DicomVR.UI, "0020,000D", "1.2.03.4")]
    [InlineData(DicomVR.UI, "0020,000D", "1.2..4")]
    [InlineData(DicomVR.UI, "0020,000D", "1.2.3.a")]
    [InlineData(DicomVR.CS, "0010,0040", "f")]
    [InlineData(DicomVR.CS, "0008,0060", "ABCDEFGHIJKLMNOPQ")]
    [InlineData(DicomVR.DS, "0018,0050", "1,5")]
    [InlineData(DicomVR.IS, "0020,0013", "1.5")]
    [InlineData(DicomVR.AS, "0010,1010", "45")]
    public void Validate_NonConformingValue_ReportsVR(DicomVR vr, string tag, string value)
    {
        var t = new DicomTag(uint.Parse(tag.Replace(",", ""), System.Globalization.NumberStyles.HexNumber));
        var report = Validate(d => d.SetString(t, vr, value));
        Assert.Contains(report.Errors, f => f.TagPath == $"({tag})" && f.Message.Contains($"does not conform to VR {vr.Code()}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("20260101")]
    [InlineData("19000228")]
    public void Validate_GoodDate_NoFinding(string date) =>
        Assert.DoesNotContain(Validate(d => d.SetString(DicomTags.StudyDate, date)).Findings, f => f.TagPath == "(0008,0020)");

    [Theory]
    [InlineData("10")]
    [InlineData("1015")]
    [InlineData("101500.123456")]
    [InlineData("235960")]
    public void Validate_GoodTime_NoFinding(string time) =>
        Assert.DoesNotContain(Validate(d => d.SetString(DicomTags.StudyTime, time)).Findings, f => f.TagPath == "(0008,0030)");

    [Theory]
    [InlineData("2026", true)]
    [InlineData("20260101101500.5+0100", true)]
    [InlineData("202601011015", true)]
    [InlineData("20261", false)]
    [InlineData("20260101T1015", false)]
    public void Validate_DateTime_ChecksFormat(string value, bool conforms)
    {
        var report = Validate(d => d.SetString(DicomTags.AcquisitionDateTime, value));
        Assert.Equal(conforms, !report.Findings.Any(f => f.TagPath == "(0008,002A)"));
    }

    [Fact]
    public void Validate_TwoValuesWhereDictionarySaysOne_ReportsVM()
    {
        var report = Validate(d => d.SetString(DicomTags.PatientID, "A", "B"));
        Assert.Contains(report.Errors, f => f.TagPath == "(0010,0020)" && f.Message.Contains("has VM 2 where 1 is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OddValueCountForPairs_ReportsVM()
    {
        var report = Validate(d => d.SetString(DicomTags.ImagerPixelSpacing, "0.1", "0.1", "0.1"));
        Assert.Contains(report.Errors, f => f.TagPath == "(0018,1164)" && f.Message.Contains("VM 3 where 2 is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BinaryLengthNotMultipleOfUnit_ReportsError()
    {
        var report = Validate(d => d.SetBytes(DicomTags.Rows, DicomVR.US, new byte[] { 1, 2, 3 }));
        Assert.Contains(report.Errors, f => f.TagPath == "(0028,0010)" && f.Message.Contains("not a multiple of 2", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Type1PresentButEmpty_ReportsEmpty()
    {
        var report = Validate(d => d.SetString(DicomTags.ImageLaterality, ""));
        Assert.Contains(report.Errors, f => f.TagPath == "(0020,0062)" && f.Message.StartsWith("Type 1 attribute (0020,0062) Image Laterality is present but empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_Type2PresentButEmpty_IsFine()
    {
        var report = Validate(d => d.SetString(DicomTags.PatientName, ""));
        Assert.DoesNotContain(report.Findings, f => f.TagPath == "(0010,0010)");
    }

    [Fact]
    public void Validate_NotAnEnumeratedValue_ReportsIt()
    {
        var report = Validate(d => d.SetString(DicomTags.PositionerType, "CHAIR"));
        Assert.Contains(report.Errors, f => f.TagPath == "(0018,1508)" && f.Message.Contains("'CHAIR', which is not one of the enumerated values", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CodeItemWithoutMeaning_ReportsNestedPath()
    {
        var report = Validate(d => d.GetSequence(DicomTags.AnatomicRegionSequence)!.Items[0].Remove(DicomTags.CodeMeaning));
        Assert.Contains(report.Errors, f => f.TagPath == "(0008,2218)[0]>(0008,0104)" && f.Message.Contains("Code Meaning is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NeitherModifierNorPrimaryAnatomicStructure_ReportsType1C()
    {
        var report = Validate(d => d.Remove(DicomTags.PrimaryAnatomicStructureSequence));
        Assert.Contains(report.Errors, f => f.Message.StartsWith("Type 1C attribute (0008,2228) Primary Anatomic Structure Sequence is missing (required when", StringComparison.Ordinal));
        Assert.Contains(report.Errors, f => f.TagPath == "(0008,2218)[0]>(0008,2220)");
    }

    [Fact]
    public void Validate_ColourWithoutPlanarConfiguration_ReportsType1C()
    {
        using var file = SyntheticObjects.SecondaryCapture();
        file.Dataset.SetUInt16(DicomTags.SamplesPerPixel, 3);
        file.Dataset.SetString(DicomTags.PhotometricInterpretation, "RGB");
        var report = DicomValidator.Validate(file);
        Assert.Contains(report.Errors, f => f.TagPath == "(0028,0006)" && f.Message.Contains("Type 1C", StringComparison.Ordinal)
            && f.Message.Contains("Samples per Pixel (0028,0002) > 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NonAsciiNameWithoutCharacterSet_ReportsSpecificCharacterSet()
    {
        var report = Validate(d => d.SetBytes(DicomTags.PatientName, DicomVR.PN, "M\u00fcller"u8.ToArray().Concat(new byte[] { 0x20 }).ToArray()));
        Assert.Contains(report.Errors, f => f.TagPath == "(0008,0005)");
    }

    [Fact]
    public void Validate_UnknownSopClass_WarnsAndChecksCommonModules()
    {
        var report = Validate(d =>
        {
            d.SetString(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.481.5");
            d.Remove(DicomTags.StudyInstanceUID);
        });
        Assert.Equal(StandardIods.CommonModules.Name, report.IodName);
        Assert.Contains(report.Warnings, f => f.Message.Contains("RT Plan Storage", StringComparison.Ordinal));
        Assert.Contains(report.Errors, f => f.TagPath == "(0020,000D)" && f.Message.Contains("is missing", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Findings, f => f.TagPath == "(0018,1508)"); // intra-oral requirements no longer apply
    }

    [Fact]
    public void Finding_ToString_ReadsLikeDciodvfy()
    {
        var report = Validate(d => d.Remove(DicomTags.Rows));
        Assert.Contains(report.Findings, f => f.ToString() == "Error - Type 1 attribute (0028,0010) Rows is missing - Module=<Image Pixel>");
    }

    private static ValidationReport Validate(Action<DicomDataset> change)
    {
        using var file = SyntheticObjects.IntraOral(forPresentation: true);
        change(file.Dataset);
        return DicomValidator.Validate(file);
    }
}
