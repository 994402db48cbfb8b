using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Enamel.Core.Access;
using Enamel.Core.Accounts;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>How a guardian stands to the patient. Core links a guardian account to a patient without saying more, so <see cref="Guardian"/> is the default.</summary>
public enum GuardianRelationship
{
    /// <summary>v3-RoleCode GUARD (guardian).</summary>
    Guardian,
    /// <summary>v3-RoleCode PRN (parent).</summary>
    Parent,
}

/// <summary>
/// The people and places around the record: a guardian account linked to a patient as RelatedPerson, a clinic user as
/// Practitioner, a clinic as Organization. Users are identified by their account id (<see cref="FhirSystems.User"/>, the
/// identifier the record's resources already reference them by), never by their sign-in name, which is a credential's half
/// and is not exposed; the name shown is the account's display name. Clinics are identified by clinic code
/// (<see cref="FhirSystems.Clinic"/>).
/// </summary>
public static partial class PeopleMapping
{
    [GeneratedRegex("^[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex FhirId();

    /// <summary>The RelatedPerson id of a guardian of a patient: "{patient key}-{user id}" (one RelatedPerson per patient and guardian).</summary>
    public static string RelatedPersonId(long patientKey, string userId) => $"{patientKey}-{userId}";

    /// <summary>
    /// A guardian account as the patient's RelatedPerson: patient reference, relationship (v3-RoleCode GUARD or PRN), the
    /// account id as identifier, the display name, active unless the account is disabled. Refused when the account is not
    /// linked to the patient (neither its dependant nor its own record).
    /// </summary>
    public static F.RelatedPerson RelatedPerson(User guardian, long patientKey, GuardianRelationship relationship = GuardianRelationship.Guardian)
    {
        if (!guardian.Dependants.Contains(patientKey))
            throw new ArgumentException("the account is not a guardian of this patient", nameof(guardian));
        var id = RelatedPersonId(patientKey, guardian.Id);
        if (!FhirId().IsMatch(id)) throw new ArgumentException("the account id does not make a FHIR id", nameof(guardian));
        var r = new F.RelatedPerson
        {
            Id = id,
            Identifier = [new F.Identifier(FhirSystems.User, guardian.Id)],
            Active = !guardian.Disabled,
            Patient = EntryMapping.PatientReference(patientKey),
            Relationship = [relationship == GuardianRelationship.Parent
                ? new F.CodeableConcept(FhirSystems.V3RoleCode, "PRN", "parent")
                : new F.CodeableConcept(FhirSystems.V3RoleCode, "GUARD", "guardian")],
        };
        if (Name(guardian) is { } name) r.Name = [name];
        return r;
    }

    /// <summary>
    /// A clinic user as Practitioner: id and identifier the account id, the display name, active unless disabled. Patient and
    /// guardian accounts are not practitioners and are refused.
    /// </summary>
    public static F.Practitioner Practitioner(User user)
    {
        if (user.PatientKey is not null || user.Dependants.Count > 0)
            throw new ArgumentException("a patient or guardian account is not a practitioner", nameof(user));
        if (!FhirId().IsMatch(user.Id)) throw new ArgumentException("the account id is not a FHIR id", nameof(user));
        var p = new F.Practitioner
        {
            Id = user.Id,
            Identifier = [new F.Identifier(FhirSystems.User, user.Id)],
            Active = !user.Disabled,
        };
        if (Name(user) is { } name) p.Name = [name];
        return p;
    }

    /// <summary>
    /// The Organization id of a clinic: the clinic code when it is a valid FHIR id, else "c-" and the first 40 hex digits of
    /// the code's SHA-256 (a clinic code may hold characters a FHIR id may not; the endpoint finds the clinic by comparing).
    /// </summary>
    public static string OrganizationId(string clinic) =>
        FhirId().IsMatch(clinic) ? clinic : "c-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clinic)))[..40];

    /// <summary>A clinic as Organization: identifier the clinic code (<see cref="FhirSystems.Clinic"/>), name the clinic's name or else its code, active.</summary>
    public static F.Organization Organization(string clinic, string? name = null)
    {
        if (!ClinicCode.IsValid(clinic)) throw new ArgumentException($"not a clinic code ({ClinicCode.Rule})", nameof(clinic));
        return new F.Organization
        {
            Id = OrganizationId(clinic),
            Identifier = [new F.Identifier(FhirSystems.Clinic, clinic)],
            Active = true,
            Name = name is { Length: > 0 } ? name : clinic,
        };
    }

    private static F.HumanName? Name(User u) =>
        u.DisplayName.Trim().Length > 0 ? new F.HumanName { Use = F.HumanName.NameUse.Usual, Text = u.DisplayName.Trim() } : null;
}
