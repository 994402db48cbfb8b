using Enamel.Core.Keys;

namespace Enamel.Core.Patients;

/// <summary>What an identifier is: the clinic's chart number, the Patient ID a modality sends, or a national identifier.</summary>
public enum IdentifierType
{
    /// <summary>The clinic's own chart (file) number; the issuer is the clinic code.</summary>
    ChartNumber,
    /// <summary>Patient ID (0010,0020) with Issuer of Patient ID (0010,0021) as DICOM sends them: what ingest matches on.</summary>
    DicomPatientId,
    /// <summary>Hong Kong Identity Card number (letter(s), six digits, check digit), e.g. A123456(3).</summary>
    HongKongId,
    /// <summary>Mainland China resident identity card number (GB 11643: 17 digits and a check character).</summary>
    MainlandResidentId,
    /// <summary>A passport number; the issuer is the issuing country.</summary>
    Passport,
    /// <summary>Any other identifier a clinic records (insurer member number, previous system's id); the issuer names it.</summary>
    Other,
}

/// <summary>One identifier of a patient. <see cref="Alias"/>: kept from a merged record, so the old id still finds the patient.</summary>
public sealed record PatientIdentifier(IdentifierType Type, string Issuer, string Value)
{
    public bool Alias { get; init; }
}

/// <summary>One component group of a person name (PS3.5 6.2: family ^ given ^ middle ^ prefix ^ suffix).</summary>
public sealed record NameGroup(string Family, string Given, string Middle = "", string Prefix = "", string Suffix = "")
{
    public static readonly NameGroup Empty = new("", "");

    public bool IsEmpty => Family.Length + Given.Length + Middle.Length + Prefix.Length + Suffix.Length == 0;

    public IEnumerable<string> Components => [Family, Given, Middle, Prefix, Suffix];
}

/// <summary>
/// A patient's name as DICOM PN carries it: the alphabetic form, and for CJK names the ideographic (陳^大文) and
/// phonetic (ちん^だいぶん, or pinyin) forms.
/// </summary>
public sealed record PatientName(NameGroup Alphabetic, NameGroup Ideographic, NameGroup Phonetic)
{
    public static PatientName Of(string family, string given) => new(new NameGroup(family, given), NameGroup.Empty, NameGroup.Empty);

    public bool IsEmpty => Alphabetic.IsEmpty && Ideographic.IsEmpty && Phonetic.IsEmpty;

    /// <summary>Every component of every group (for search tokens).</summary>
    public IEnumerable<string> Components => Alphabetic.Components.Concat(Ideographic.Components).Concat(Phonetic.Components).Where(c => c.Length > 0);

    /// <summary>The PN value (PS3.5 6.2), trailing empty components and groups dropped.</summary>
    public string ToDicom() => PersonNames.Format(this);

    /// <summary>A readable form: "Chan, Tai Man (陳大文)".</summary>
    public string Display()
    {
        var a = Alphabetic;
        var main = a.Family.Length > 0 && a.Given.Length > 0 ? $"{a.Family}, {a.Given}" : a.Family + a.Given;
        var ideo = Ideographic.Family + Ideographic.Given;
        return ideo.Length == 0 ? main : main.Length == 0 ? ideo : $"{main} ({ideo})";
    }
}

public enum ContactKind { Phone, Email, Address }

/// <summary>A way to reach the patient; <see cref="Use"/> is free text such as "home", "mobile", "work".</summary>
public sealed record ContactPoint(ContactKind Kind, string Value, string Use = "");

public enum PatientStatus
{
    Active,
    Deceased,
    /// <summary>Merged into another record (<see cref="Patient.MergedInto"/>); kept, never deleted, read-only.</summary>
    Merged,
}

/// <summary>
/// The demographic record: everything here is sensitive and stored sealed under the patient's data key.
/// <see cref="BirthDate"/> is YYYYMMDD or empty (unknown); <see cref="Sex"/> is the DICOM code M, F, O or empty.
/// </summary>
public sealed record Demographics
{
    public required PatientName Name { get; init; }
    public string BirthDate { get; init; } = "";
    public string Sex { get; init; } = "";
    public IReadOnlyList<ContactPoint> Contacts { get; init; } = [];
    /// <summary>A BCP 47 tag (en, zh-Hant, zh-Hans, …) or empty.</summary>
    public string PreferredLanguage { get; init; } = "";
    /// <summary>YYYYMMDD when the patient has died, else empty.</summary>
    public string DeceasedDate { get; init; } = "";
}

/// <summary>A patient record as stored: the key, the clinic it belongs to, its state, and the current demographics version.</summary>
public sealed record Patient(long Key, string Clinic, PatientStatus Status, Demographics Demographics, IReadOnlyList<PatientIdentifier> Identifiers,
    DataKeyId DataKey, int Version, DateTimeOffset Created)
{
    /// <summary>The record this one was merged into, when <see cref="Status"/> is <see cref="PatientStatus.Merged"/>.</summary>
    public long? MergedInto { get; init; }

    /// <summary>The guardian accounts linked to this patient (user ids).</summary>
    public IReadOnlyList<string> Guardians { get; init; } = [];

    /// <summary>The Patient ID and issuer DICOM answers carry for this patient: the first non-alias DICOM Patient ID.</summary>
    public PatientIdentifier? DicomId => Identifiers.FirstOrDefault(i => i.Type == IdentifierType.DicomPatientId && !i.Alias);

    public PatientIdentifier? ChartNumber => Identifiers.FirstOrDefault(i => i.Type == IdentifierType.ChartNumber && !i.Alias);
}

/// <summary>What a registration asks for: the clinic the patient belongs to, the demographics and the identifiers.</summary>
public sealed record NewPatient(string Clinic, Demographics Demographics, IReadOnlyList<PatientIdentifier> Identifiers)
{
    public IReadOnlyList<string> Guardians { get; init; } = [];
}

/// <summary>One version of the demographic record, as its history shows it.</summary>
public sealed record DemographicsVersion(int Number, Demographics Demographics, string AuthorId, DateTimeOffset Time, string Reason);
