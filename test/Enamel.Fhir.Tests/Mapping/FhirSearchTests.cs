using Enamel.Core.Access;
using Enamel.Core.Records;
using Enamel.Fhir.Conformance;
using Enamel.Fhir.Mapping;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>Search parameters read into Core's terms; anything undeclared or malformed is refused naming the parameter.</summary>
public sealed class FhirSearchTests
{
    private static FhirSearch Parse(string type, params (string, string)[] q) => FhirSearch.Parse(type, [.. q.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))]);

    [Fact]
    public void Procedure_TypicalSearch_BecomesCoreTerms()
    {
        var s = Parse("Procedure", ("patient", "Patient/4711"), ("status", "completed"), ("date", "ge2026-01"), ("date", "le2026-02-28"),
            ("body-site", "urn:iso:std:iso:3950|16"), ("_count", "20"), ("_offset", "40"), ("_include", "Procedure:patient"), ("_lastUpdated", "gt2026-01-01T00:00:00Z"));
        Assert.Equal([RecordKind.PastProcedure, RecordKind.Procedure], s.Kinds);
        Assert.Equal(4711, s.PatientKey);
        Assert.Equal(["existing", "completed"], s.States);
        Assert.Equal(("2026-01", "2026-02-28"), (s.DateFrom, s.DateTo));
        Assert.Equal("16", s.Tooth);
        Assert.Equal((20, 40, true), (s.Count, s.Offset, s.IncludePatient));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), s.UpdatedSince);
        var q = s.ToQuery(PatientReach.OnePatient(4711));
        Assert.Equal((20, 40, (string?)null), (q.Limit, q.Skip, q.State));
    }

    [Fact]
    public void Categories_NarrowTheKinds()
    {
        Assert.Equal([RecordKind.LabCase], Parse("ServiceRequest", ("category", "urn:enamel:order-kind|lab-case")).Kinds);
        Assert.Equal([RecordKind.PastProcedure], Parse("Procedure", ("category", "past-surgery")).Kinds);
        Assert.Equal(RecordCategory.LabReports, Parse("DocumentReference", ("category", "lab-reports")).DocumentCategory);
        Assert.Equal("36", Parse("Procedure", ("body-site", "http://snomed.info/sct|866006002")).Tooth);
        Assert.Equal(["draft"], Parse("Composition", ("status", "preliminary")).States);
    }

    [Fact]
    public void EveryDeclaredEntryParameter_IsAccepted()
    {
        foreach (var r in FhirSupport.Resources.Where(r => r.Type is not ("Patient" or "Task" or "Provenance")))
            foreach (var p in r.Search)
            {
                var value = p.Type switch
                {
                    Hl7.Fhir.Model.SearchParamType.Date => p.Name == "_lastUpdated" ? "ge2026-01-01" : "2026-01-01",
                    Hl7.Fhir.Model.SearchParamType.Reference => "Patient/1",
                    _ => p.Name switch
                    {
                        "status" or "clinical-status" => r.Type switch
                        {
                            "Composition" => "final", "Procedure" => "completed", "ServiceRequest" => "active", "Coverage" or "DocumentReference" => r.Type == "Coverage" ? "active" : "current",
                            _ => "active",
                        },
                        "category" => r.Type switch { "Procedure" => "existing-work", "ServiceRequest" => "referral", "DocumentReference" => "imaging", _ => "problem-list-item" },
                        "body-site" => "16",
                        _ => "x",
                    },
                };
                var s = FhirSearch.Parse(r.Type, [new(p.Name, value)]);
                Assert.NotNull(s);
            }
    }

    [Theory]
    [InlineData("Condition", "severity", "x", "severity")]
    [InlineData("Condition", "code:text", "x", "code:text")]
    [InlineData("Procedure", "_count", "0", "_count")]
    [InlineData("Procedure", "_count", "5000", "_count")]
    [InlineData("Procedure", "date", "ge2026-13", "date")]
    [InlineData("Procedure", "status", "in-progress", "status")]
    [InlineData("Procedure", "body-site", "19", "body-site")]
    [InlineData("Procedure", "patient", "Group/1", "patient")]
    [InlineData("Procedure", "_include", "Procedure:performer", "_include")]
    [InlineData("Coverage", "_lastUpdated", "le2026-01-01", "_lastUpdated")]
    [InlineData("Patient", "name", "x", "type")]
    [InlineData("Observation", "code", "x", "type")]
    public void Parse_WhatIsNotSupported_NamesTheParameter(string type, string name, string value, string element) =>
        Assert.Equal(element, Assert.Throws<FhirInputException>(() => Parse(type, (name, value))).Element);
}
