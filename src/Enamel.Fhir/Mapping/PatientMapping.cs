using System.Globalization;
using Enamel.Core.Patients;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// Core's patient as a FHIR R4 Patient: identifiers (system per identifier type, a v2-0203 type where one fits, the
/// issuer as assigner), the alphabetic name as the official HumanName and the ideographic and phonetic groups as extra
/// HumanName entries marked with iso21090-EN-representation (IDE, SYL), birthDate, gender, telecom, address,
/// communication, deceased, active (a merged record is inactive and links to the one it was merged into), and
/// meta.versionId from the demographics version. The id is the patient key.
/// </summary>
public static class PatientMapping
{
    private const string Representation = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

    public static F.Patient ToFhir(Patient patient, DateTimeOffset? lastUpdated = null)
    {
        var d = patient.Demographics;
        var p = new F.Patient
        {
            Id = patient.Key.ToString(CultureInfo.InvariantCulture),
            Meta = new F.Meta { VersionId = patient.Version.ToString(CultureInfo.InvariantCulture), LastUpdated = (lastUpdated ?? patient.Created).ToUniversalTime() },
            Active = patient.Status != PatientStatus.Merged,
            Identifier = [.. patient.Identifiers.Select(Identifier)],
            ManagingOrganization = patient.Clinic.Length > 0 ? new F.ResourceReference { Display = patient.Clinic } : null,
        };
        AddName(p, d.Name.Alphabetic, null);
        AddName(p, d.Name.Ideographic, "IDE");
        AddName(p, d.Name.Phonetic, "SYL");
        if (DateOf(d.BirthDate) is { } birth) p.BirthDate = birth;
        p.Gender = d.Sex switch
        {
            "M" => F.AdministrativeGender.Male,
            "F" => F.AdministrativeGender.Female,
            "O" => F.AdministrativeGender.Other,
            _ => null,
        };
        foreach (var c in d.Contacts)
        {
            if (c.Kind == ContactKind.Address)
                p.Address.Add(new F.Address { Text = c.Value, Use = AddressUse(c.Use) });
            else
                p.Telecom.Add(new F.ContactPoint(c.Kind == ContactKind.Email ? F.ContactPoint.ContactPointSystem.Email : F.ContactPoint.ContactPointSystem.Phone,
                    TelecomUse(c.Use), c.Value));
        }
        if (d.PreferredLanguage.Length > 0)
            p.Communication = [new F.Patient.CommunicationComponent { Language = new F.CodeableConcept(FhirSystems.Bcp47, d.PreferredLanguage), Preferred = true }];
        if (DateOf(d.DeceasedDate) is { } died) p.Deceased = new F.FhirDateTime(died);
        else if (patient.Status == PatientStatus.Deceased) p.Deceased = new F.FhirBoolean(true);
        if (patient.MergedInto is { } into)
            p.Link = [new F.Patient.LinkComponent { Other = EntryMapping.PatientReference(into), Type = F.Patient.LinkType.ReplacedBy }];
        return p;
    }

    /// <summary>The system an identifier type is written under: urn:enamel:identifier:chart-number …</summary>
    public static string SystemOf(IdentifierType type) => FhirSystems.IdentifierPrefix + type switch
    {
        IdentifierType.ChartNumber => "chart-number",
        IdentifierType.DicomPatientId => "dicom-patient-id",
        IdentifierType.HongKongId => "hkid",
        IdentifierType.MainlandResidentId => "cn-resident-id",
        IdentifierType.Passport => "passport",
        _ => "other",
    };

    private static F.Identifier Identifier(PatientIdentifier id)
    {
        var fhir = new F.Identifier(SystemOf(id.Type), id.Value)
        {
            Use = id.Alias ? F.Identifier.IdentifierUse.Old : id.Type == IdentifierType.ChartNumber ? F.Identifier.IdentifierUse.Usual : F.Identifier.IdentifierUse.Official,
            Type = id.Type switch
            {
                IdentifierType.ChartNumber => new F.CodeableConcept(FhirSystems.V2IdentifierType, "MR", "Medical record number"),
                IdentifierType.Passport => new F.CodeableConcept(FhirSystems.V2IdentifierType, "PPN", "Passport number"),
                _ => new F.CodeableConcept { Text = Identifiers.Name(id.Type) },
            },
        };
        if (id.Issuer.Length > 0) fhir.Assigner = new F.ResourceReference { Display = id.Issuer };
        return fhir;
    }

    private static void AddName(F.Patient p, NameGroup g, string? representation)
    {
        if (g.IsEmpty) return;
        var name = new F.HumanName { Use = F.HumanName.NameUse.Official };
        if (g.Family.Length > 0) name.Family = g.Family;
        name.Given = [.. new[] { g.Given, g.Middle }.Where(s => s.Length > 0)];
        if (g.Prefix.Length > 0) name.Prefix = [g.Prefix];
        if (g.Suffix.Length > 0) name.Suffix = [g.Suffix];
        if (representation is not null) name.Extension.Add(new F.Extension(Representation, new F.Code(representation)));
        p.Name.Add(name);
    }

    /// <summary>YYYYMMDD as yyyy-MM-dd; null when empty or not a date.</summary>
    private static string? DateOf(string yyyymmdd) =>
        DateTime.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    private static F.ContactPoint.ContactPointUse? TelecomUse(string use) => use.Trim().ToLowerInvariant() switch
    {
        "home" => F.ContactPoint.ContactPointUse.Home,
        "work" => F.ContactPoint.ContactPointUse.Work,
        "mobile" => F.ContactPoint.ContactPointUse.Mobile,
        "temp" => F.ContactPoint.ContactPointUse.Temp,
        "old" => F.ContactPoint.ContactPointUse.Old,
        _ => null,
    };

    private static F.Address.AddressUse? AddressUse(string use) => use.Trim().ToLowerInvariant() switch
    {
        "home" => F.Address.AddressUse.Home,
        "work" => F.Address.AddressUse.Work,
        "temp" => F.Address.AddressUse.Temp,
        "old" => F.Address.AddressUse.Old,
        "billing" => F.Address.AddressUse.Billing,
        _ => null,
    };
}
