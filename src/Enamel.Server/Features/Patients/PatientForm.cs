using Enamel.Core.Patients;
using Microsoft.AspNetCore.Http;

namespace Enamel.Server.Features.Patients;

/// <summary>
/// What the registration and amendment forms hold, exactly as typed (so a refused form is shown again with every value
/// kept), and how it becomes the verbs' requests. The birth date comes from <c>input type=date</c> (YYYY-MM-DD) and is
/// stored as DICOM's YYYYMMDD.
/// </summary>
public sealed record PatientForm
{
    public string Clinic { get; init; } = "";
    public string Family { get; init; } = "";
    public string Given { get; init; } = "";
    public string IdeographicFamily { get; init; } = "";
    public string IdeographicGiven { get; init; } = "";
    public string PhoneticFamily { get; init; } = "";
    public string PhoneticGiven { get; init; } = "";
    /// <summary>YYYY-MM-DD as the date input sends it (or whatever was typed where the browser has no date picker).</summary>
    public string BirthDate { get; init; } = "";
    public string Sex { get; init; } = "";
    public string ChartNumber { get; init; } = "";
    public string PatientId { get; init; } = "";
    public string PatientIdIssuer { get; init; } = "";
    public string Hkid { get; init; } = "";
    public string MainlandId { get; init; } = "";
    public string Phone { get; init; } = "";
    public string Email { get; init; } = "";
    public string Address { get; init; } = "";
    public string PreferredLanguage { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Version { get; init; } = "";

    public static PatientForm Read(IFormCollection form)
    {
        string F(string name) => form[name].ToString().Trim();
        return new PatientForm
        {
            Clinic = F("clinic"), Family = F("family"), Given = F("given"), IdeographicFamily = F("ideo-family"), IdeographicGiven = F("ideo-given"),
            PhoneticFamily = F("phon-family"), PhoneticGiven = F("phon-given"), BirthDate = F("birth-date"), Sex = F("sex"),
            ChartNumber = F("chart"), PatientId = F("patient-id"), PatientIdIssuer = F("patient-id-issuer"), Hkid = F("hkid"), MainlandId = F("mainland-id"),
            Phone = F("phone"), Email = F("email"), Address = form["address"].ToString().Trim(), PreferredLanguage = F("language"), Reason = F("reason"), Version = F("version"),
        };
    }

    /// <summary>The form filled from a stored record (for amending it).</summary>
    public static PatientForm Of(Patient p)
    {
        var d = p.Demographics;
        return new PatientForm
        {
            Clinic = p.Clinic, Family = d.Name.Alphabetic.Family, Given = d.Name.Alphabetic.Given,
            IdeographicFamily = d.Name.Ideographic.Family, IdeographicGiven = d.Name.Ideographic.Given,
            PhoneticFamily = d.Name.Phonetic.Family, PhoneticGiven = d.Name.Phonetic.Given,
            BirthDate = DateInput(d.BirthDate), Sex = d.Sex,
            Phone = First(d, ContactKind.Phone), Email = First(d, ContactKind.Email), Address = First(d, ContactKind.Address),
            PreferredLanguage = d.PreferredLanguage, Version = p.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static string First(Demographics d, ContactKind kind) => d.Contacts.FirstOrDefault(c => c.Kind == kind)?.Value ?? "";

    /// <summary>YYYYMMDD as the date input shows it (YYYY-MM-DD); anything else unchanged.</summary>
    public static string DateInput(string dicomDate) =>
        dicomDate.Length == 8 && dicomDate.All(char.IsAsciiDigit) ? $"{dicomDate[..4]}-{dicomDate[4..6]}-{dicomDate[6..]}" : dicomDate;

    /// <summary>
    /// The demographics the form describes. <paramref name="current"/> (when amending): what the form does not show is
    /// kept from it (middle names, prefixes, further contacts, the date of death).
    /// </summary>
    public Demographics ToDemographics(Demographics? current = null)
    {
        var name = current?.Name;
        var contacts = new List<ContactPoint>();
        void Add(ContactKind kind, string value)
        {
            var use = current?.Contacts.FirstOrDefault(c => c.Kind == kind)?.Use ?? "";
            if (value.Length > 0) contacts.Add(new ContactPoint(kind, value, use));
        }
        Add(ContactKind.Phone, Phone);
        Add(ContactKind.Email, Email);
        Add(ContactKind.Address, Address);
        if (current is not null)
            foreach (var kind in Enum.GetValues<ContactKind>())
                contacts.AddRange(current.Contacts.Where(c => c.Kind == kind).Skip(1)); // the form edits the first of each kind
        return new Demographics
        {
            Name = new PatientName(
                (name?.Alphabetic ?? NameGroup.Empty) with { Family = Family, Given = Given },
                (name?.Ideographic ?? NameGroup.Empty) with { Family = IdeographicFamily, Given = IdeographicGiven },
                (name?.Phonetic ?? NameGroup.Empty) with { Family = PhoneticFamily, Given = PhoneticGiven }),
            BirthDate = BirthDate.Replace("-", "", StringComparison.Ordinal),
            Sex = Sex.ToUpperInvariant(),
            Contacts = contacts,
            PreferredLanguage = PreferredLanguage,
            DeceasedDate = current?.DeceasedDate ?? "",
        };
    }

    /// <summary>The identifiers typed at registration: only those filled in.</summary>
    public IReadOnlyList<PatientIdentifier> ToIdentifiers()
    {
        var ids = new List<PatientIdentifier>();
        if (ChartNumber.Length > 0) ids.Add(new PatientIdentifier(IdentifierType.ChartNumber, "", ChartNumber));
        if (PatientId.Length > 0) ids.Add(new PatientIdentifier(IdentifierType.DicomPatientId, PatientIdIssuer, PatientId));
        if (Hkid.Length > 0) ids.Add(new PatientIdentifier(IdentifierType.HongKongId, "", Hkid));
        if (MainlandId.Length > 0) ids.Add(new PatientIdentifier(IdentifierType.MainlandResidentId, "", MainlandId));
        return ids;
    }
}
