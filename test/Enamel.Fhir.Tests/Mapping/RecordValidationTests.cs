using Enamel.Core.Records;
using Enamel.Fhir.Conformance;
using Enamel.Fhir.Mapping;
using Enamel.Fhir.Validation;
using Hl7.Fhir.Model;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>
/// Every resource Enamel emits for the clinical record — each type, minimal and full, current and entered-in-error,
/// with its Provenance — validated by Firely's validator against base R4 (offline): zero errors, and the validator
/// resolved every profile and extension it met (no silent pass).
/// </summary>
public sealed class RecordValidationTests
{
    public static TheoryData<string> Samples() => [.. RecordSamples.Bodies.Keys.Where(k => EntryMapping.IsMapped(RecordSamples.Bodies[k].Kind))];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Entry_EachKindMinimalAndFull_ValidatesWithoutErrors(string sample)
    {
        var entry = RecordSamples.Entry(RecordSamples.Bodies[sample]);
        foreach (var resource in EntryMapping.ToFhir(entry)) AssertValid(resource, sample);
        AssertValid(ProvenanceMapping.ToFhir(entry), sample + " provenance");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Entry_EnteredInError_ValidatesWithoutErrors(string sample)
    {
        var entry = RecordSamples.Withdrawn(RecordSamples.Bodies[sample]);
        foreach (var resource in EntryMapping.ToFhir(entry)) AssertValid(resource, sample);
        foreach (var p in ProvenanceMapping.History([RecordSamples.Entry(entry.Body), entry])) AssertValid(p, sample + " provenance");
    }

    [Fact]
    public void Patient_MinimalFullAndMerged_ValidateWithoutErrors()
    {
        AssertValid(PatientMapping.ToFhir(RecordSamples.MinimalPatient()), "minimal");
        AssertValid(PatientMapping.ToFhir(RecordSamples.FullPatient(), RecordSamples.Recorded), "full");
        AssertValid(PatientMapping.ToFhir(RecordSamples.MergedPatient()), "merged");
    }

    [Fact]
    public void EnamelDefinitions_ExtensionsAndSearchParameter_ValidateWithoutErrors()
    {
        foreach (var r in EnamelDefinitions.All()) AssertValid(r, r.TypeName);
    }

    [Fact]
    public void Provenance_OfASignedNote_CarriesTheSignature_AndTargetsTheVersion()
    {
        var p = ProvenanceMapping.ToFhir(RecordSamples.Entry(RecordSamples.Bodies["note-addendum"], version: 2));
        Assert.Equal("Composition/e7k2m9q4/_history/2", p.Target.Single().Reference);
        Assert.Equal("UPDATE", p.Activity!.Coding[0].Code);
        var signature = Assert.Single(p.Signature);
        Assert.Equal("1.2.840.10065.1.12.1.15", signature.Type[0].Code);
        Assert.Equal("u-3", Assert.IsType<ResourceReference>(signature.Who).Identifier!.Value);
        Assert.Empty(ProvenanceMapping.ToFhir(RecordSamples.Entry(RecordSamples.Bodies["note-min"])).Signature);
        Assert.Equal(["ServiceRequest/e7k2m9q4/_history/1", "Task/e7k2m9q4/_history/1"],
            ProvenanceMapping.ToFhir(RecordSamples.Entry(RecordSamples.Bodies["lab-case-min"])).Target.Select(t => t.Reference));
    }

    [Fact]
    public void DiagnosticReport_OfALabCaseWithAReport_Validates_AndNoneWithout()
    {
        var report = EntryMapping.ToDiagnosticReport(RecordSamples.Entry(RecordSamples.Bodies["lab-case-full"]));
        Assert.NotNull(report);
        Assert.Equal("DocumentReference/r3p0rt", report!.PresentedForm[0].Url);
        AssertValid(report, "diagnostic report");
        AssertValid(EntryMapping.ToDiagnosticReport(RecordSamples.Withdrawn(RecordSamples.Bodies["lab-case-full"]))!, "withdrawn report");
        Assert.Null(EntryMapping.ToDiagnosticReport(RecordSamples.Entry(RecordSamples.Bodies["lab-case-min"])));
    }

    internal static void AssertValid(Resource resource, string what)
    {
        var issues = FhirValidator.Shared.Validate(resource);
        var errors = issues.Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 0, $"{what} ({resource.TypeName}):\n{string.Join("\n", errors)}");
        Assert.DoesNotContain(issues, i => i.Message.Contains("Unable to resolve", StringComparison.OrdinalIgnoreCase));
    }
}
