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

/// <summary>Which attributes are indexed, at which level, and how they match (where they are stored is Storage's business).</summary>
public static class IndexedAttributes
{
    public sealed record Column(DicomTag Tag, QueryLevel Level, DicomVR VR);

    public static readonly IReadOnlyList<Column> All =
    [
        new(DicomTags.PatientID, QueryLevel.Patient, DicomVR.LO),
        new(DicomTags.IssuerOfPatientID, QueryLevel.Patient, DicomVR.LO),
        new(DicomTags.PatientName, QueryLevel.Patient, DicomVR.PN),
        new(DicomTags.PatientBirthDate, QueryLevel.Patient, DicomVR.DA),
        new(DicomTags.PatientSex, QueryLevel.Patient, DicomVR.CS),
        new(DicomTags.StudyInstanceUID, QueryLevel.Study, DicomVR.UI),
        new(DicomTags.StudyDate, QueryLevel.Study, DicomVR.DA),
        new(DicomTags.StudyTime, QueryLevel.Study, DicomVR.TM),
        new(DicomTags.AccessionNumber, QueryLevel.Study, DicomVR.SH),
        new(DicomTags.StudyID, QueryLevel.Study, DicomVR.SH),
        new(DicomTags.StudyDescription, QueryLevel.Study, DicomVR.LO),
        new(DicomTags.ReferringPhysicianName, QueryLevel.Study, DicomVR.PN),
        new(DicomTags.SeriesInstanceUID, QueryLevel.Series, DicomVR.UI),
        new(DicomTags.Modality, QueryLevel.Series, DicomVR.CS),
        new(DicomTags.SeriesNumber, QueryLevel.Series, DicomVR.IS),
        new(DicomTags.SeriesDescription, QueryLevel.Series, DicomVR.LO),
        new(DicomTags.BodyPartExamined, QueryLevel.Series, DicomVR.CS),
        new(DicomTags.SOPInstanceUID, QueryLevel.Instance, DicomVR.UI),
        new(DicomTags.SOPClassUID, QueryLevel.Instance, DicomVR.UI),
        new(DicomTags.InstanceNumber, QueryLevel.Instance, DicomVR.IS),
        new(DicomTags.NumberOfFrames, QueryLevel.Instance, DicomVR.IS),
        new(DicomTags.Rows, QueryLevel.Instance, DicomVR.US),
        new(DicomTags.Columns, QueryLevel.Instance, DicomVR.US),
    ];

    public static Column? Find(DicomTag tag) => All.FirstOrDefault(c => c.Tag == tag);

    /// <summary>Columns returned at a level: its own and those of every level above it.</summary>
    public static IEnumerable<Column> ReturnedAt(QueryLevel level) => All.Where(c => c.Level <= level);
}

/// <summary>A query that cannot be answered as asked (unknown key, wrong level, bad paging).</summary>
public sealed class InvalidQueryException(string message) : Exception(message);
