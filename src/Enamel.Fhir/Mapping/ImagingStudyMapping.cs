using System.Globalization;
using Enamel.Dicom;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// A study of the archive as an R4 ImagingStudy, from the rows the study index answers a QIDO search with
/// (<c>IStudyIndex.SearchAsync</c>: one study-level row, the series-level rows and the instance-level rows of that study).
/// identifier <c>urn:dicom:uid</c> (the Study Instance UID as urn:oid:, and the accession number typed ACSN), status
/// available, subject the patient, started (StudyDate, with StudyTime only when the clinic's UTC offset is known: FHIR
/// requires a zone with a time and DICOM's StudyTime has none), numberOfSeries / numberOfInstances (the index's counts),
/// modality codings in the DICOM DCM system, description, referrer by display; series with uid, number, modality,
/// description, numberOfInstances, bodySite (the Body Part Examined term as the coding's display: Enamel keeps no SNOMED CT
/// map of DICOM body parts) and instances with uid, sopClass (<c>urn:ietf:rfc:3986</c> <c>urn:oid:…</c>) and number. R4's
/// ImagingStudy has no element for the number of frames: it is not carried. The id is the Study Instance UID (a UID is a
/// valid FHIR id: digits and dots, at most 64). Every study points to the archive's DICOMweb <see cref="Endpoint"/>.
/// </summary>
public static class ImagingStudyMapping
{
    /// <summary>The DICOM Controlled Terminology (PS3.16), the system of modality codes.</summary>
    public const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";

    /// <summary>RFC 3986 URIs: the system a SOP Class UID is coded under (as urn:oid:…).</summary>
    public const string Rfc3986 = "urn:ietf:rfc:3986";

    public const string EndpointConnectionType = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

    /// <summary>The id of the one Endpoint resource: the archive's DICOMweb service.</summary>
    public const string EndpointId = "dicom-web";

    /// <summary>Where DICOMweb lives under the server's base URL (Server/DicomWeb).</summary>
    public const string DicomWebPath = "/dicom-web";

    /// <summary>
    /// The archive's DICOMweb service as an Endpoint: connectionType dicom-wado-rs, payload DICOM (application/dicom),
    /// address <paramref name="serverBase"/> + /dicom-web (the server's base, not the FHIR base). <paramref name="operatorDisplay"/>:
    /// who runs the server, as managingOrganization's display (one server may hold several clinics, so no clinic is named by default).
    /// </summary>
    public static F.Endpoint Endpoint(string serverBase, string? operatorDisplay = null)
    {
        if (!Uri.TryCreate(serverBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException("the server base must be an absolute http(s) URL", nameof(serverBase));
        var e = new F.Endpoint
        {
            Id = EndpointId,
            Status = F.Endpoint.EndpointStatus.Active,
            ConnectionType = new F.Coding(EndpointConnectionType, "dicom-wado-rs", "DICOM WADO-RS"),
            Name = "Enamel DICOMweb (QIDO-RS, WADO-RS, STOW-RS)",
            PayloadType = [new F.CodeableConcept { Text = "DICOM" }],
            PayloadMimeType = ["application/dicom"],
            Address = serverBase.TrimEnd('/') + DicomWebPath,
        };
        if (operatorDisplay is { Length: > 0 }) e.ManagingOrganization = new F.ResourceReference { Display = operatorDisplay };
        return e;
    }

    /// <summary>"Endpoint/dicom-web".</summary>
    public static F.ResourceReference EndpointReference() => new($"Endpoint/{EndpointId}");

    /// <summary>
    /// The study as an ImagingStudy. <paramref name="study"/>: the study-level row; <paramref name="series"/>: its series-level
    /// rows; <paramref name="instances"/>: its instance-level rows (each names its series). <paramref name="utcOffset"/>: the
    /// clinic's offset, when known, so StudyTime can be written (else started is the date alone).
    /// </summary>
    public static F.ImagingStudy ToFhir(long patientKey, IReadOnlyDictionary<DicomTag, string> study,
        IReadOnlyList<IReadOnlyDictionary<DicomTag, string>> series, IReadOnlyList<IReadOnlyDictionary<DicomTag, string>> instances,
        TimeSpan? utcOffset = null)
    {
        var uid = Value(study, DicomTags.StudyInstanceUID);
        if (!IsUid(uid)) throw new ArgumentException("the study row has no valid Study Instance UID", nameof(study));
        var s = new F.ImagingStudy
        {
            Id = uid,
            Identifier = [new F.Identifier(FhirSystems.DicomUid, "urn:oid:" + uid)],
            Status = F.ImagingStudy.ImagingStudyStatus.Available,
            Subject = EntryMapping.PatientReference(patientKey),
            Endpoint = [EndpointReference()],
        };
        var accession = Value(study, DicomTags.AccessionNumber);
        if (accession.Length > 0)
            s.Identifier.Add(new F.Identifier { Type = new F.CodeableConcept(FhirSystems.V2IdentifierType, "ACSN", "Accession ID"), Value = accession });
        if (Started(Value(study, DicomTags.StudyDate), Value(study, DicomTags.StudyTime), utcOffset) is { } started) s.StartedElement = started;
        var description = Value(study, DicomTags.StudyDescription);
        if (description.Length > 0) s.Description = description;
        var referrer = Value(study, DicomTags.ReferringPhysicianName);
        if (referrer.Length > 0) s.Referrer = new F.ResourceReference { Display = referrer.Replace('^', ' ').Trim() };

        var byModality = new List<string>();
        foreach (var m in Value(study, DicomTags.ModalitiesInStudy).Split('\\', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!byModality.Contains(m)) byModality.Add(m);

        var ofSeries = instances.GroupBy(i => Value(i, DicomTags.SeriesInstanceUID)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var row in series)
        {
            var seriesUid = Value(row, DicomTags.SeriesInstanceUID);
            if (!IsUid(seriesUid)) throw new ArgumentException("a series row has no valid Series Instance UID", nameof(series));
            var modality = Value(row, DicomTags.Modality);
            if (modality.Length == 0) throw new ArgumentException($"series {seriesUid} has no modality", nameof(series));
            if (!byModality.Contains(modality)) byModality.Add(modality);
            var se = new F.ImagingStudy.SeriesComponent
            {
                Uid = seriesUid,
                Modality = new F.Coding(Dcm, modality),
                Endpoint = [EndpointReference()],
            };
            if (Number(Value(row, DicomTags.SeriesNumber)) is { } number) se.Number = number;
            var seriesDescription = Value(row, DicomTags.SeriesDescription);
            if (seriesDescription.Length > 0) se.Description = seriesDescription;
            var bodyPart = Value(row, DicomTags.BodyPartExamined);
            if (bodyPart.Length > 0) se.BodySite = new F.Coding { Display = bodyPart };
            foreach (var i in ofSeries.GetValueOrDefault(seriesUid) ?? [])
            {
                var sop = Value(i, DicomTags.SOPInstanceUID);
                var sopClass = Value(i, DicomTags.SOPClassUID);
                if (!IsUid(sop) || !IsUid(sopClass)) throw new ArgumentException($"an instance of series {seriesUid} lacks a valid SOP Instance or SOP Class UID", nameof(instances));
                var inst = new F.ImagingStudy.InstanceComponent { Uid = sop, SopClass = new F.Coding(Rfc3986, "urn:oid:" + sopClass) };
                if (Number(Value(i, DicomTags.InstanceNumber)) is { } n) inst.Number = n;
                se.Instance.Add(inst);
            }
            se.NumberOfInstances = Number(Value(row, DicomTags.NumberOfSeriesRelatedInstances)) ?? (se.Instance.Count > 0 ? se.Instance.Count : null);
            s.Series.Add(se);
        }
        var unknownSeries = ofSeries.Keys.Where(k => !s.Series.Any(se => se.Uid == k)).ToList();
        if (unknownSeries.Count > 0) throw new ArgumentException("instances name a series that is not among the series rows", nameof(instances));

        s.Modality = [.. byModality.Select(m => new F.Coding(Dcm, m))];
        s.NumberOfSeries = Number(Value(study, DicomTags.NumberOfStudyRelatedSeries)) ?? (s.Series.Count > 0 ? s.Series.Count : null);
        s.NumberOfInstances = Number(Value(study, DicomTags.NumberOfStudyRelatedInstances)) ?? (instances.Count > 0 ? instances.Count : null);
        return s;
    }

    private static string Value(IReadOnlyDictionary<DicomTag, string> row, DicomTag tag) => row.TryGetValue(tag, out var v) ? v.Trim() : "";

    /// <summary>A DICOM UID as PS3.5 9.1 has it: digits and dots, at most 64 characters, no empty component.</summary>
    public static bool IsUid(string uid) =>
        uid.Length is > 0 and <= 64 && uid.All(c => c is '.' or (>= '0' and <= '9')) && !uid.Split('.').Any(p => p.Length == 0);

    private static int? Number(string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : null;

    /// <summary>StudyDate (YYYYMMDD) and StudyTime (HHMMSS[.F]) as a FHIR dateTime; the time only with a known offset.</summary>
    private static F.FhirDateTime? Started(string date, string time, TimeSpan? offset)
    {
        if (!DateTime.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return null;
        if (offset is { } o && time.Length >= 4)
        {
            var t = time.Split('.')[0];
            if (DateTime.TryParseExact(t, t.Length == 6 ? "HHmmss" : "HHmm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var tod))
                return new F.FhirDateTime(new DateTimeOffset(d.Year, d.Month, d.Day, tod.Hour, tod.Minute, tod.Second, o));
        }
        return new F.FhirDateTime(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}
