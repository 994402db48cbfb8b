using Enamel.Core.Accounts;
using Enamel.Fhir;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>RelatedPerson (a guardian), Practitioner (a clinic user), Organization (a clinic): valid R4, minimal and full; bad input refused.</summary>
public sealed class PeopleMappingTests
{
    private const string GuardianId = "0123456789abcdef0123456789abcdef";
    private const string DentistId = "fedcba9876543210fedcba9876543210";

    internal static User Guardian(string displayName = "Chan Siu Ming", bool disabled = false) =>
        new(GuardianId, "chan.guardian", displayName, ["patient"], new HashSet<string> { "CLINIC-A" }, RecordSamples.Created)
        { Dependants = new HashSet<long> { RecordSamples.PatientKey }, Disabled = disabled };

    internal static User Dentist(string displayName = "Dr Wong Ka Ming") =>
        new(DentistId, "kmwong", displayName, ["dentist"], new HashSet<string> { "CLINIC-A" }, RecordSamples.Created);

    [Fact]
    public void RelatedPerson_FullAndMinimal_Validate()
    {
        var full = PeopleMapping.RelatedPerson(Guardian(), RecordSamples.PatientKey, GuardianRelationship.Parent);
        RecordValidationTests.AssertValid(full, "full related person");
        Assert.Equal($"{RecordSamples.PatientKey}-{GuardianId}", full.Id);
        Assert.Equal($"Patient/{RecordSamples.PatientKey}", full.Patient.Reference);
        Assert.Equal((FhirSystems.V3RoleCode, "PRN"), (full.Relationship[0].Coding[0].System, full.Relationship[0].Coding[0].Code));
        Assert.Equal((FhirSystems.User, GuardianId), (full.Identifier[0].System, full.Identifier[0].Value));
        Assert.Equal("Chan Siu Ming", full.Name[0].Text);
        Assert.True(full.Active);

        var minimal = PeopleMapping.RelatedPerson(Guardian("", disabled: true), RecordSamples.PatientKey);
        RecordValidationTests.AssertValid(minimal, "minimal related person");
        Assert.Equal("GUARD", minimal.Relationship[0].Coding[0].Code);
        Assert.Empty(minimal.Name);
        Assert.False(minimal.Active);
    }

    [Fact]
    public void RelatedPerson_OfAPatientTheAccountIsNotGuardianOf_IsRefused() =>
        Assert.Throws<ArgumentException>(() => PeopleMapping.RelatedPerson(Guardian(), RecordSamples.PatientKey + 1));

    [Fact]
    public void Practitioner_FullAndMinimal_Validate_WithoutTheSignInName()
    {
        var full = PeopleMapping.Practitioner(Dentist());
        RecordValidationTests.AssertValid(full, "full practitioner");
        Assert.Equal(DentistId, full.Id);
        Assert.Equal((FhirSystems.User, DentistId), (full.Identifier[0].System, full.Identifier[0].Value));
        Assert.Equal("Dr Wong Ka Ming", full.Name[0].Text);
        Assert.DoesNotContain("kmwong", FhirFormat.ToJson(full));

        var minimal = PeopleMapping.Practitioner(Dentist(" "));
        RecordValidationTests.AssertValid(minimal, "minimal practitioner");
        Assert.Empty(minimal.Name);
    }

    [Fact]
    public void Practitioner_OfAPatientOrGuardianAccount_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => PeopleMapping.Practitioner(Guardian()));
        Assert.Throws<ArgumentException>(() => PeopleMapping.Practitioner(Dentist() with { PatientKey = 1 }));
    }

    [Fact]
    public void Organization_FullAndMinimal_Validate()
    {
        var full = PeopleMapping.Organization("CLINIC-A", "Harbour Dental Clinic");
        RecordValidationTests.AssertValid(full, "full organization");
        Assert.Equal("CLINIC-A", full.Id);
        Assert.Equal((FhirSystems.Clinic, "CLINIC-A"), (full.Identifier[0].System, full.Identifier[0].Value));
        Assert.Equal("Harbour Dental Clinic", full.Name);

        var odd = PeopleMapping.Organization("診所_1");
        RecordValidationTests.AssertValid(odd, "organization with a code that is not a FHIR id");
        Assert.Matches("^c-[0-9a-f]{40}$", odd.Id);
        Assert.Equal("診所_1", odd.Name);
        Assert.Equal(odd.Id, PeopleMapping.OrganizationId("診所_1"));

        Assert.Throws<ArgumentException>(() => PeopleMapping.Organization("two words"));
        Assert.Throws<ArgumentException>(() => PeopleMapping.Organization(""));
    }
}
