using Enamel.Core.Access;
using Enamel.Dicom;

namespace Enamel.Core.Studies;

public enum QueryLevel { Patient, Study, Series, Instance }

/// <summary>
/// A query at one level (QIDO-RS / C-FIND). Each filter is a DICOM matching key (PS3.4 C.2.2.2): single value,
/// wildcard (* ?), range (dates and times, "a-b", "-b", "a-"), UID list (backslash-separated), or universal (empty).
/// </summary>
public sealed record StudyQuery
{
    public QueryLevel Level { get; init; } = QueryLevel.Study;
    public IReadOnlyDictionary<DicomTag, string> Filters { get; init; } = new Dictionary<DicomTag, string>();
    public int Limit { get; init; } = 1000;
    public int Offset { get; init; }
    /// <summary>PN matching ignores case and matches any name component prefix (QIDO fuzzymatching=true).</summary>
    public bool FuzzyMatching { get; init; }

    /// <summary>
    /// The patients the caller may reach (from <see cref="AccessPolicy.SearchReachAsync"/>): matches outside it are
    /// never returned. Null only for the server's own lookups that are not a caller's search.
    /// </summary>
    public PatientReach? Reach { get; init; }
}

/// <summary>Which attributes are indexed, at which level, and how they match.</summary>
public static class IndexedAttributes
{
    public sealed record Column(DicomTag Tag, QueryLevel Level, string Name, DicomVR VR);

    public static readonly IReadOnlyList<Column> All =
    [
        new(DicomTags.PatientID, QueryLevel.Patient, "patient_id", DicomVR.LO),
        new(DicomTags.IssuerOfPatientID, QueryLevel.Patient, "issuer", DicomVR.LO),
        new(DicomTags.PatientName, QueryLevel.Patient, "patient_name", DicomVR.PN),
        new(DicomTags.PatientBirthDate, QueryLevel.Patient, "birth_date", DicomVR.DA),
        new(DicomTags.PatientSex, QueryLevel.Patient, "sex", DicomVR.CS),
        new(DicomTags.StudyInstanceUID, QueryLevel.Study, "study_uid", DicomVR.UI),
        new(DicomTags.StudyDate, QueryLevel.Study, "study_date", DicomVR.DA),
        new(DicomTags.StudyTime, QueryLevel.Study, "study_time", DicomVR.TM),
        new(DicomTags.AccessionNumber, QueryLevel.Study, "accession", DicomVR.SH),
        new(DicomTags.StudyID, QueryLevel.Study, "study_id", DicomVR.SH),
        new(DicomTags.StudyDescription, QueryLevel.Study, "study_description", DicomVR.LO),
        new(DicomTags.ReferringPhysicianName, QueryLevel.Study, "referring_physician", DicomVR.PN),
        new(DicomTags.SeriesInstanceUID, QueryLevel.Series, "series_uid", DicomVR.UI),
        new(DicomTags.Modality, QueryLevel.Series, "modality", DicomVR.CS),
        new(DicomTags.SeriesNumber, QueryLevel.Series, "series_number", DicomVR.IS),
        new(DicomTags.SeriesDescription, QueryLevel.Series, "series_description", DicomVR.LO),
        new(DicomTags.BodyPartExamined, QueryLevel.Series, "body_part", DicomVR.CS),
        new(DicomTags.SOPInstanceUID, QueryLevel.Instance, "sop_uid", DicomVR.UI),
        new(DicomTags.SOPClassUID, QueryLevel.Instance, "sop_class_uid", DicomVR.UI),
        new(DicomTags.InstanceNumber, QueryLevel.Instance, "instance_number", DicomVR.IS),
        new(DicomTags.NumberOfFrames, QueryLevel.Instance, "frames", DicomVR.IS),
        new(DicomTags.Rows, QueryLevel.Instance, "num_rows", DicomVR.US),
        new(DicomTags.Columns, QueryLevel.Instance, "num_columns", DicomVR.US),
    ];

    public static Column? Find(DicomTag tag) => All.FirstOrDefault(c => c.Tag == tag);

    /// <summary>Columns returned at a level: its own and those of every level above it.</summary>
    public static IEnumerable<Column> ReturnedAt(QueryLevel level) => All.Where(c => c.Level <= level);
}

/// <summary>A query that cannot be answered as asked (unknown key, wrong level, bad paging).</summary>
public sealed class InvalidQueryException(string message) : Errors.EnamelException(message)
{
    public override Errors.ErrorKind Kind => Errors.ErrorKind.Invalid;
}
