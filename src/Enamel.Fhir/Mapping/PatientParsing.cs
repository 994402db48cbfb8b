using System.Globalization;
using Enamel.Core.Patients;
using Hl7.Fhir.Utility;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>What a client's Patient says, as Core registers or amends it (the clinic comes from the caller, not the resource).</summary>
public sealed record ParsedPatient(Demographics Demographics, IReadOnlyList<PatientIdentifier> Identifiers);

/// <summary>
/// A Patient a client sends, as Core's demographics and identifiers: the inverse of <see cref="PatientMapping"/>.
/// Names marked iso21090-EN-representation IDE / SYL are the ideographic / phonetic groups, the first other name the
/// alphabetic one; identifiers by Enamel's systems (or v2-0203 MR / PPN; any other system an "other" identifier issued
/// by its assigner); birthDate must be a full date. Refusals name the element (<see cref="FhirInputException"/>).
/// </summary>
public static class PatientParsing
{
    private const string Representation = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";

    public static ParsedPatient ToPatient(F.Patient p)
    {
        NameGroup alphabetic = NameGroup.Empty, ideographic = NameGroup.Empty, phonetic = NameGroup.Empty;
        for (int i = 0; i < p.Name.Count; i++)
        {
            var n = p.Name[i];
            if (n.Use is F.HumanName.NameUse.Old or F.HumanName.NameUse.Nickname or F.HumanName.NameUse.Maiden or F.HumanName.NameUse.Anonymous) continue;
            var rep = (n.Extension.FirstOrDefault(e => e.Url == Representation)?.Value as F.Code)?.Value;
            var group = Group(n, $"Patient.name[{i}]");
            if (rep == "IDE") { if (ideographic.IsEmpty) ideographic = group; }
            else if (rep == "SYL") { if (phonetic.IsEmpty) phonetic = group; }
            else if (alphabetic.IsEmpty) alphabetic = group;
        }
        var contacts = new List<ContactPoint>();
        for (int i = 0; i < p.Telecom.Count; i++)
        {
            var t = p.Telecom[i];
            var kind = t.System switch
            {
                F.ContactPoint.ContactPointSystem.Phone or F.ContactPoint.ContactPointSystem.Sms => ContactKind.Phone,
                F.ContactPoint.ContactPointSystem.Email => ContactKind.Email,
                _ => throw new FhirInputException($"Patient.telecom[{i}].system", "phone or email"),
            };
            contacts.Add(new ContactPoint(kind, t.Value ?? "", t.Use?.GetLiteral() ?? ""));
        }
        for (int i = 0; i < p.Address.Count; i++)
        {
            var a = p.Address[i];
            var text = a.Text ?? string.Join(", ", a.Line.Concat([a.City, a.District, a.State, a.PostalCode, a.Country]).Where(s => !string.IsNullOrWhiteSpace(s)));
            if (text.Length == 0) throw new FhirInputException($"Patient.address[{i}]", "an address needs its text or lines");
            contacts.Add(new ContactPoint(ContactKind.Address, text, a.Use?.GetLiteral() ?? ""));
        }
        var language = (p.Communication.FirstOrDefault(c => c.Preferred == true) ?? p.Communication.FirstOrDefault())?.Language is { } lang
            ? lang.Coding.FirstOrDefault(c => c.System == FhirSystems.Bcp47)?.Code
                ?? throw new FhirInputException("Patient.communication.language", "a BCP 47 language tag (system urn:ietf:bcp:47)")
            : "";
        var deceased = p.Deceased switch
        {
            null or F.FhirBoolean { Value: false } => "",
            F.FhirDateTime d => Compact(d.Value, "Patient.deceased"),
            _ => throw new FhirInputException("Patient.deceased", "give the date of death (deceasedDateTime)"),
        };
        var demographics = new Demographics
        {
            Name = new PatientName(alphabetic, ideographic, phonetic),
            BirthDate = Compact(p.BirthDate, "Patient.birthDate"),
            Sex = p.Gender switch
            {
                F.AdministrativeGender.Male => "M",
                F.AdministrativeGender.Female => "F",
                F.AdministrativeGender.Other => "O",
                _ => "",
            },
            Contacts = contacts,
            PreferredLanguage = language,
            DeceasedDate = deceased,
        };
        if (PatientRules.Check(demographics) is { } problem) throw new FhirInputException(ElementOf(problem), problem.Text);

        var identifiers = new List<PatientIdentifier>();
        for (int i = 0; i < p.Identifier.Count; i++)
        {
            var id = Identifier(p.Identifier[i]);
            var (normal, error) = Identifiers.Normalize(id);
            if (error is not null) throw new FhirInputException($"Patient.identifier[{i}]", error.Text);
            identifiers.Add(normal!);
        }
        return new ParsedPatient(demographics, identifiers);
    }

    private static NameGroup Group(F.HumanName n, string element)
    {
        var given = n.Given.ToList();
        var group = new NameGroup(n.Family ?? "", given.FirstOrDefault() ?? "", string.Join(" ", given.Skip(1)), string.Join(" ", n.Prefix), string.Join(" ", n.Suffix));
        if (group.IsEmpty && !string.IsNullOrWhiteSpace(n.Text)) group = new NameGroup(n.Text.Trim(), "");
        if (group.Components.Any(c => !PersonNames.IsValidComponent(c)))
            throw new FhirInputException(element, "name parts hold at most 64 characters and no ^ = \\ or control characters");
        return group;
    }

    private static PatientIdentifier Identifier(F.Identifier i)
    {
        var issuer = i.Assigner?.Display ?? "";
        var system = i.System ?? "";
        var type = system.StartsWith(FhirSystems.IdentifierPrefix, StringComparison.Ordinal)
            ? Enum.GetValues<IdentifierType>().Cast<IdentifierType?>().FirstOrDefault(t => PatientMapping.SystemOf(t!.Value) == system) ?? IdentifierType.Other
            : i.Type?.Coding.FirstOrDefault(c => c.System == FhirSystems.V2IdentifierType)?.Code switch
            {
                "MR" => IdentifierType.ChartNumber,
                "PPN" => IdentifierType.Passport,
                _ => IdentifierType.Other,
            };
        if (type == IdentifierType.Other && issuer.Length == 0 && !system.StartsWith(FhirSystems.IdentifierPrefix, StringComparison.Ordinal)) issuer = system;
        return new PatientIdentifier(type, issuer, i.Value ?? "") { Alias = i.Use == F.Identifier.IdentifierUse.Old };
    }

    /// <summary>yyyy-MM-dd (a dateTime's date part) as YYYYMMDD.</summary>
    private static string Compact(string? value, string element)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var date = value.Length > 10 ? value[..10] : value;
        return DateTime.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            : throw new FhirInputException(element, "a full date (yyyy-MM-dd)");
    }

    private static string ElementOf(PatientProblem p) => p.Code switch
    {
        "NameRequired" or "NamePart" => "Patient.name",
        "BirthDate" => "Patient.birthDate",
        "DeceasedDate" or "DeathBeforeBirth" => "Patient.deceased",
        "Sex" => "Patient.gender",
        "Language" => "Patient.communication.language",
        "Phone" or "Email" or "ContactLength" or "ContactUse" or "TooManyContacts" => "Patient.telecom",
        _ => "Patient",
    };
}
