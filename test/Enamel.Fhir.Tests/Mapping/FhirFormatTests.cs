using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>JSON and XML both ways; strict reading of XML; no DTDs.</summary>
public sealed class FhirFormatTests
{
    [Theory]
    [InlineData("procedure-full")]
    [InlineData("note-signed")]
    [InlineData("lab-case-full")]
    public void Xml_RoundTrips_AndMatchesJson(string sample)
    {
        var resource = EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies[sample]));
        var back = FhirFormat.ParseXml(FhirFormat.ToXml(resource));
        Assert.Equal(FhirFormat.ToJson(resource), FhirFormat.ToJson(back));
    }

    [Fact]
    public void ParseXml_UnknownElement_NamesIt()
    {
        var xml = """<Condition xmlns="http://hl7.org/fhir"><subject><reference value="Patient/1"/></subject><mood value="x"/></Condition>""";
        var e = Assert.Throws<FhirInputException>(() => FhirFormat.ParseXml(xml));
        Assert.Contains("mood", e.Element + " " + e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseXml_Dtd_IsRefused()
    {
        var xml = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&e;"/></Patient>""";
        Assert.Equal("resource", Assert.Throws<FhirInputException>(() => FhirFormat.ParseXml(xml)).Element);
    }

    [Fact]
    public void Parse_Json_IsTheStrictJsonReader() =>
        Assert.IsType<Patient>(FhirFormat.Parse("""{"resourceType":"Patient","name":[{"family":"Chan"}]}""", xml: false));
}
