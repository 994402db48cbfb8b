using System.Text.Json;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>A Patient sent back as JSON reads as the same demographics and identifiers; what Core cannot keep names its element.</summary>
public sealed class PatientParsingTests
{
    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    [Fact]
    public void ToPatient_WhatEnamelWrites_ReadsBackTheSame()
    {
        var full = RecordSamples.FullPatient();
        // "pager" has no FHIR use: the round trip keeps the uses FHIR has.
        full = full with { Demographics = full.Demographics with { Contacts = [.. full.Demographics.Contacts.Where(c => c.Use != "pager")] } };
        foreach (var patient in new[] { RecordSamples.MinimalPatient(), full })
        {
            var json = Serializer.SerializeToString(PatientMapping.ToFhir(patient));
            var parsed = PatientParsing.ToPatient((Hl7.Fhir.Model.Patient)EntryParsing.ParseJson(json));
            Assert.Equal(JsonSerializer.Serialize(patient.Demographics), JsonSerializer.Serialize(parsed.Demographics));
            Assert.Equal(JsonSerializer.Serialize(patient.Identifiers), JsonSerializer.Serialize(parsed.Identifiers));
        }
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Chan"}],"birthDate":"1980"}""", "Patient.birthDate")]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Chan"}],"identifier":[{"system":"urn:enamel:identifier:hkid","value":"A1234567"}]}""", "Patient.identifier[0]")]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Ch^an"}]}""", "Patient.name[0]")]
    [InlineData("""{"resourceType":"Patient","gender":"male"}""", "Patient.name")]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Chan"}],"telecom":[{"system":"fax","value":"23456789"}]}""", "Patient.telecom[0].system")]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"Chan"}],"deceasedBoolean":true}""", "Patient.deceased")]
    public void ToPatient_WhatCoreCannotKeep_NamesTheElement(string json, string element)
    {
        var e = Assert.Throws<FhirInputException>(() => PatientParsing.ToPatient((Hl7.Fhir.Model.Patient)EntryParsing.ParseJson(json)));
        Assert.Equal(element, e.Element);
    }
}
