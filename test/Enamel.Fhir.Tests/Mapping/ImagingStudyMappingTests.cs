using Enamel.Dicom;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Row = System.Collections.Generic.IReadOnlyDictionary<Enamel.Dicom.DicomTag, string>;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>A study of the archive as ImagingStudy (from the study index's QIDO rows) and its DICOMweb Endpoint: valid R4, minimal and full.</summary>
public sealed class ImagingStudyMappingTests
{
    private const string Study = "1.2.826.0.1.3680043.8.498.1";
    private const string SeriesA = "1.2.826.0.1.3680043.8.498.1.1";
    private const string SeriesB = "1.2.826.0.1.3680043.8.498.1.2";
    private const string DxForPresentation = "1.2.840.10008.5.1.4.1.1.1.1";
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";

    private static Row R(params (DicomTag Tag, string Value)[] values) => values.ToDictionary(v => v.Tag, v => v.Value);

    private static Row FullStudy() => R((DicomTags.StudyInstanceUID, Study), (DicomTags.StudyDate, "20260203"), (DicomTags.StudyTime, "141516.123"),
        (DicomTags.AccessionNumber, "ACC-77"), (DicomTags.StudyDescription, "Pre-implant CBCT"), (DicomTags.ReferringPhysicianName, "Wong^Ka Ming"),
        (DicomTags.ModalitiesInStudy, "DX\\CT"), (DicomTags.NumberOfStudyRelatedSeries, "2"), (DicomTags.NumberOfStudyRelatedInstances, "3"),
        (DicomTags.PatientID, "P-1"), (DicomTags.PatientName, "Chan^Tai Man"));

    private static Row[] FullSeries() =>
    [
        R((DicomTags.SeriesInstanceUID, SeriesA), (DicomTags.Modality, "DX"), (DicomTags.SeriesNumber, "1"), (DicomTags.SeriesDescription, "Bitewings"),
            (DicomTags.BodyPartExamined, "JAW"), (DicomTags.NumberOfSeriesRelatedInstances, "2")),
        R((DicomTags.SeriesInstanceUID, SeriesB), (DicomTags.Modality, "CT"), (DicomTags.SeriesNumber, "2"), (DicomTags.SeriesDescription, ""),
            (DicomTags.BodyPartExamined, ""), (DicomTags.NumberOfSeriesRelatedInstances, "1")),
    ];

    private static Row[] FullInstances() =>
    [
        R((DicomTags.SeriesInstanceUID, SeriesA), (DicomTags.SOPInstanceUID, SeriesA + ".1"), (DicomTags.SOPClassUID, DxForPresentation), (DicomTags.InstanceNumber, "1"), (DicomTags.NumberOfFrames, "1")),
        R((DicomTags.SeriesInstanceUID, SeriesA), (DicomTags.SOPInstanceUID, SeriesA + ".2"), (DicomTags.SOPClassUID, DxForPresentation), (DicomTags.InstanceNumber, "2"), (DicomTags.NumberOfFrames, "")),
        R((DicomTags.SeriesInstanceUID, SeriesB), (DicomTags.SOPInstanceUID, SeriesB + ".1"), (DicomTags.SOPClassUID, Ct), (DicomTags.InstanceNumber, ""), (DicomTags.NumberOfFrames, "300")),
    ];

    /// <summary>The full study (two series, three instances) as the mapping writes it.</summary>
    internal static ImagingStudy Full() => ImagingStudyMapping.ToFhir(RecordSamples.PatientKey, FullStudy(), FullSeries(), FullInstances(), TimeSpan.FromHours(8));

    [Fact]
    public void Minimal_StudyAlone_Validates()
    {
        var s = ImagingStudyMapping.ToFhir(RecordSamples.PatientKey, R((DicomTags.StudyInstanceUID, Study)), [], []);
        RecordValidationTests.AssertValid(s, "minimal study");
        Assert.Equal(Study, s.Id);
        Assert.Equal(ImagingStudy.ImagingStudyStatus.Available, s.Status);
        Assert.Equal($"Patient/{RecordSamples.PatientKey}", s.Subject.Reference);
        Assert.Equal((FhirSystems.DicomUid, "urn:oid:" + Study), (s.Identifier[0].System, s.Identifier[0].Value));
        Assert.Equal("Endpoint/dicom-web", Assert.Single(s.Endpoint).Reference);
        Assert.Null(s.Started);
        Assert.Empty(s.Series);
    }

    [Fact]
    public void Full_StudyWithSeriesAndInstances_Validates_AndCarriesEveryElement()
    {
        var s = ImagingStudyMapping.ToFhir(RecordSamples.PatientKey, FullStudy(), FullSeries(), FullInstances(), TimeSpan.FromHours(8));
        RecordValidationTests.AssertValid(s, "full study");
        Assert.Equal("2026-02-03T14:15:16+08:00", s.Started);
        Assert.Equal((2, 3), (s.NumberOfSeries, s.NumberOfInstances));
        Assert.Equal([("http://dicom.nema.org/resources/ontology/DCM", "DX"), ("http://dicom.nema.org/resources/ontology/DCM", "CT")], s.Modality.Select(m => (m.System, m.Code)));
        Assert.Equal("ACC-77", s.Identifier.Single(i => i.Type?.Coding[0].Code == "ACSN").Value);
        Assert.Equal("Pre-implant CBCT", s.Description);
        Assert.Equal("Wong Ka Ming", s.Referrer!.Display);
        var a = s.Series[0];
        Assert.Equal((SeriesA, 1, "DX", "Bitewings", "JAW", 2), (a.Uid, a.Number, a.Modality.Code, a.Description, a.BodySite!.Display, a.NumberOfInstances));
        Assert.Equal([(SeriesA + ".1", "urn:oid:" + DxForPresentation, (int?)1), (SeriesA + ".2", "urn:oid:" + DxForPresentation, 2)],
            a.Instance.Select(i => (i.Uid, i.SopClass.Code, i.Number)));
        Assert.All(a.Instance, i => Assert.Equal("urn:ietf:rfc:3986", i.SopClass.System));
        var b = s.Series[1];
        Assert.Null(b.BodySite);
        Assert.Null(Assert.Single(b.Instance).Number);
    }

    [Theory]
    [InlineData("IO")]
    [InlineData("PX")]
    [InlineData("OT")]
    [InlineData("SEG")]
    public void DentalAndOtherModalities_Validate(string modality)
    {
        var s = ImagingStudyMapping.ToFhir(RecordSamples.PatientKey, R((DicomTags.StudyInstanceUID, Study), (DicomTags.ModalitiesInStudy, modality)),
            [R((DicomTags.SeriesInstanceUID, SeriesA), (DicomTags.Modality, modality))],
            [R((DicomTags.SeriesInstanceUID, SeriesA), (DicomTags.SOPInstanceUID, SeriesA + ".1"), (DicomTags.SOPClassUID, DxForPresentation))]);
        RecordValidationTests.AssertValid(s, modality);
        Assert.Equal(modality, Assert.Single(s.Modality).Code);
        Assert.Equal((1, 1), (s.NumberOfSeries, s.NumberOfInstances));
    }

    [Fact]
    public void Started_WithoutAKnownOffset_IsTheDateAlone()
    {
        var s = ImagingStudyMapping.ToFhir(RecordSamples.PatientKey, FullStudy(), FullSeries(), FullInstances());
        Assert.Equal("2026-02-03", s.Started);
        RecordValidationTests.AssertValid(s, "study without offset");
    }

    [Fact]
    public void BadRows_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ImagingStudyMapping.ToFhir(1, R((DicomTags.StudyInstanceUID, "1..2")), [], []));
        Assert.Throws<ArgumentException>(() => ImagingStudyMapping.ToFhir(1, R((DicomTags.StudyInstanceUID, Study)),
            [R((DicomTags.SeriesInstanceUID, SeriesA))], []));
        Assert.Throws<ArgumentException>(() => ImagingStudyMapping.ToFhir(1, FullStudy(), [FullSeries()[0]], FullInstances()));
    }

    [Fact]
    public void Endpoint_IsDicomWadoRsAtTheServersDicomWebBase_AndValidates()
    {
        var e = ImagingStudyMapping.Endpoint("https://clinic.example/", "Harbour Dental Group");
        RecordValidationTests.AssertValid(e, "endpoint");
        RecordValidationTests.AssertValid(ImagingStudyMapping.Endpoint("https://clinic.example"), "minimal endpoint");
        Assert.Equal("https://clinic.example/dicom-web", e.Address);
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "dicom-wado-rs"), (e.ConnectionType.System, e.ConnectionType.Code));
        Assert.Equal(ImagingStudyMapping.EndpointId, e.Id);
        Assert.Throws<ArgumentException>(() => ImagingStudyMapping.Endpoint("clinic.example"));
    }
}
