using Enamel.Core.Records;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>Searchset pages (links that carry the query and page on) and history bundles: shaped as R4 asks, valid.</summary>
public sealed class FhirBundlesTests
{
    private const string Base = "https://clinic.example/fhir/";

    private static List<Resource> Conditions(int n) =>
        [.. Enumerable.Range(1, n).Select(i => EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["condition-full"], id: $"c{i}")))];

    private static readonly KeyValuePair<string, string>[] Query = [new("patient", "Patient/4711"), new("code", "http://snomed.info/sct|44054006"), new("_count", "2")];

    [Fact]
    public void SearchSet_FirstPage_HasNextButNoPrevious_AndKeepsTheQuery()
    {
        var b = FhirBundles.SearchSet(Base, "Condition", Query, Conditions(2), [PatientMapping.ToFhir(RecordSamples.MinimalPatient())], total: 5, offset: 0, count: 2);

        Assert.Equal(5, b.Total);
        Assert.Equal("https://clinic.example/fhir/Condition?patient=Patient%2F4711&code=http%3A%2F%2Fsnomed.info%2Fsct%7C44054006&_count=2&_offset=2",
            b.Link.Single(l => l.Relation == "next").Url);
        Assert.DoesNotContain(b.Link, l => l.Relation == "previous");
        Assert.Equal([Bundle.SearchEntryMode.Match, Bundle.SearchEntryMode.Match, Bundle.SearchEntryMode.Include], b.Entry.Select(e => e.Search!.Mode!.Value));
        Assert.Equal("https://clinic.example/fhir/Patient/4711", b.Entry[2].FullUrl);
        RecordValidationTests.AssertValid(b, "searchset");
    }

    [Fact]
    public void SearchSet_LastPage_HasPreviousButNoNext()
    {
        var b = FhirBundles.SearchSet(Base, "Condition", Query, Conditions(1), [], total: 5, offset: 4, count: 2);
        Assert.DoesNotContain(b.Link, l => l.Relation == "next");
        Assert.EndsWith("_count=2&_offset=2", b.Link.Single(l => l.Relation == "previous").Url, StringComparison.Ordinal);
    }

    [Fact]
    public void SearchSet_Empty_IsValid()
    {
        var b = FhirBundles.SearchSet(Base, "Procedure", [], [], [], total: 0, offset: 0, count: 50);
        Assert.Empty(b.Entry);
        RecordValidationTests.AssertValid(b, "empty searchset");
    }

    [Fact]
    public void EntryHistory_NewestFirst_WithRequestsAndETags_IsValid()
    {
        var body = RecordSamples.Bodies["condition-min"];
        var v1 = RecordSamples.Entry(body);
        var v2 = RecordSamples.Entry(((Core.History.Condition)body) with { ClinicalStatus = "resolved" }, version: 2);
        var v3 = RecordSamples.Withdrawn(v2.Body) with { Version = 3 };
        var b = FhirBundles.EntryHistory(Base, [v1, v2, v3]);

        Assert.Equal(Bundle.BundleType.History, b.Type);
        Assert.Equal(["W/\"3\"", "W/\"2\"", "W/\"1\""], b.Entry.Select(e => e.Response!.Etag));
        Assert.Equal(Bundle.HTTPVerb.POST, b.Entry[^1].Request!.Method);
        RecordValidationTests.AssertValid(b, "history");
        var lab = RecordSamples.Entry(RecordSamples.Bodies["lab-case-full"]);
        RecordValidationTests.AssertValid(FhirBundles.EntryHistory(Base, [lab], task: true), "task history");
    }

    [Fact]
    public void Document_SignedNoteAndPatient_IsAValidDocumentBundle()
    {
        var note = (Composition)EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["note-signed"]));
        var b = FhirBundles.Document(Base, note, PatientMapping.ToFhir(RecordSamples.MinimalPatient()));
        Assert.Equal(Bundle.BundleType.Document, b.Type);
        Assert.IsType<Composition>(b.Entry[0].Resource);
        Assert.Equal(b.Identifier!.Value, FhirBundles.Document(Base, note, PatientMapping.ToFhir(RecordSamples.MinimalPatient())).Identifier!.Value);
        RecordValidationTests.AssertValid(b, "document");
    }

    [Fact]
    public void Everything_PatientAndEntries_IsValid()
    {
        var entries = RecordSamples.Bodies.Values.Where(v => EntryMapping.IsMapped(v.Kind))
            .SelectMany((v, i) => EntryMapping.ToFhir(RecordSamples.Entry(v, id: $"e{i}"))).ToList();
        var b = FhirBundles.Everything(Base, PatientMapping.ToFhir(RecordSamples.FullPatient()), entries);
        Assert.Equal(entries.Count + 1, b.Total);
        RecordValidationTests.AssertValid(b, "everything");
    }

    [Fact]
    public void Outcomes_FromARefusalAndFromValidatorIssues_AreValidAndNameTheElement()
    {
        var e = Assert.Throws<FhirInputException>(() => EntryParsing.ToEntry(EntryParsing.ParseJson(
            """{"resourceType":"Procedure","status":"in-progress","subject":{"reference":"Patient/1"},"code":{"text":"x"}}""")));
        var outcome = FhirOutcomes.Invalid(e);
        Assert.Equal("Procedure.status", outcome.Issue[0].Expression.Single());
        RecordValidationTests.AssertValid(outcome, "outcome");
        var bad = (Procedure)EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["procedure-min"]));
        bad.Subject = null!;
        var fromValidator = FhirOutcomes.Invalid(Validation.FhirValidator.Shared.Errors(bad));
        Assert.NotEmpty(fromValidator.Issue);
        RecordValidationTests.AssertValid(fromValidator, "validator outcome");
    }
}
