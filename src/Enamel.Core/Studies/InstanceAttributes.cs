using Enamel.Dicom;

namespace Enamel.Core.Studies;

/// <summary>The attributes Enamel indexes at patient, study, series and instance level, taken from one instance's header.</summary>
public sealed record InstanceAttributes
{
    public required string PatientId { get; init; }
    public string IssuerOfPatientId { get; init; } = "";
    public string PatientName { get; init; } = "";
    public string PatientBirthDate { get; init; } = "";
    public string PatientSex { get; init; } = "";

    public required string StudyInstanceUid { get; init; }
    public string StudyDate { get; init; } = "";
    public string StudyTime { get; init; } = "";
    public string AccessionNumber { get; init; } = "";
    public string StudyId { get; init; } = "";
    public string StudyDescription { get; init; } = "";
    public string ReferringPhysicianName { get; init; } = "";

    public required string SeriesInstanceUid { get; init; }
    public string Modality { get; init; } = "";
    public int? SeriesNumber { get; init; }
    public string SeriesDescription { get; init; } = "";
    public string BodyPartExamined { get; init; } = "";

    public required string SopInstanceUid { get; init; }
    public required string SopClassUid { get; init; }
    public int? InstanceNumber { get; init; }
    public int? NumberOfFrames { get; init; }
    public int? Rows { get; init; }
    public int? Columns { get; init; }

    /// <summary>Reads the indexed attributes; throws <see cref="InvalidInstanceException"/> when a key attribute is missing.</summary>
    public static InstanceAttributes From(DicomDataset ds)
    {
        string Required(DicomTag tag, string name)
        {
            var v = ds.GetString(tag)?.Trim();
            if (string.IsNullOrEmpty(v)) throw new InvalidInstanceException($"the instance has no {name} {tag}");
            if (tag.Group != 0x0010 && !IsUid(v)) throw new InvalidInstanceException($"{name} {tag} '{v}' is not a valid UID");
            return v;
        }
        string Optional(DicomTag tag) => ds.GetString(tag)?.Trim() ?? "";
        int? Number(DicomTag tag) => ds.TryGetNumber(tag, out var d) ? (int)d : null;

        return new InstanceAttributes
        {
            PatientId = Optional(DicomTags.PatientID),
            IssuerOfPatientId = Optional(DicomTags.IssuerOfPatientID),
            PatientName = Optional(DicomTags.PatientName),
            PatientBirthDate = Optional(DicomTags.PatientBirthDate),
            PatientSex = Optional(DicomTags.PatientSex),
            StudyInstanceUid = Required(DicomTags.StudyInstanceUID, "Study Instance UID"),
            StudyDate = Optional(DicomTags.StudyDate),
            StudyTime = Optional(DicomTags.StudyTime),
            AccessionNumber = Optional(DicomTags.AccessionNumber),
            StudyId = Optional(DicomTags.StudyID),
            StudyDescription = Optional(DicomTags.StudyDescription),
            ReferringPhysicianName = Optional(DicomTags.ReferringPhysicianName),
            SeriesInstanceUid = Required(DicomTags.SeriesInstanceUID, "Series Instance UID"),
            Modality = Optional(DicomTags.Modality),
            SeriesNumber = Number(DicomTags.SeriesNumber),
            SeriesDescription = Optional(DicomTags.SeriesDescription),
            BodyPartExamined = Optional(DicomTags.BodyPartExamined),
            SopInstanceUid = Required(DicomTags.SOPInstanceUID, "SOP Instance UID"),
            SopClassUid = Required(DicomTags.SOPClassUID, "SOP Class UID"),
            InstanceNumber = Number(DicomTags.InstanceNumber),
            NumberOfFrames = Number(DicomTags.NumberOfFrames),
            Rows = Number(DicomTags.Rows),
            Columns = Number(DicomTags.Columns),
        };
    }

    /// <summary>PS3.5 9.1: digits and dots, no empty or leading-zero components, at most 64 characters.</summary>
    public static bool IsUid(string s)
    {
        if (s.Length is 0 or > 64) return false;
        foreach (var part in s.Split('.'))
        {
            if (part.Length == 0 || !part.All(char.IsAsciiDigit) || (part.Length > 1 && part[0] == '0')) return false;
        }
        return true;
    }
}

/// <summary>An instance that cannot be stored as it is (missing or malformed key attributes, unreadable DICOM).</summary>
public sealed class InvalidInstanceException(string message, Exception? inner = null) : Errors.EnamelException(message, inner)
{
    public override Errors.ErrorKind Kind => Errors.ErrorKind.Invalid;
}
