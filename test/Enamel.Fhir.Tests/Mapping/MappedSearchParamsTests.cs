using Enamel.Fhir.Conformance;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.FhirPath;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>
/// The search parameters offered for the mapped-but-not-served types are honest: each one's R4 expression selects a value
/// from the full resource the mapping writes (no parameter the mapping never fills).
/// </summary>
public sealed class MappedSearchParamsTests
{
    private static readonly Dictionary<string, Resource> Full = new()
    {
        ["ImagingStudy"] = ImagingStudyMappingTests.Full(),
        ["Endpoint"] = ImagingStudyMapping.Endpoint("https://clinic.example"),
        ["RelatedPerson"] = PeopleMapping.RelatedPerson(PeopleMappingTests.Guardian(), RecordSamples.PatientKey),
        ["Practitioner"] = PeopleMapping.Practitioner(PeopleMappingTests.Dentist()),
        ["Organization"] = PeopleMapping.Organization("CLINIC-A", "Harbour Dental Clinic"),
        ["DiagnosticReport"] = EntryMapping.ToDiagnosticReport(RecordSamples.Entry(RecordSamples.Bodies["lab-case-full"]))!,
    };

    [Fact]
    public async System.Threading.Tasks.Task EachParameter_SelectsAValueFromTheFullResource()
    {
        var core = new CachedResolver(ZipSource.CreateValidationSource());
        var compiler = new FhirPathCompilerCache();
        foreach (var support in FhirSupport.MappedNotServed)
        {
            var resource = Full[support.Type];
            resource.Meta ??= new Meta { LastUpdated = RecordSamples.Recorded };
            resource.Meta.LastUpdated ??= RecordSamples.Recorded;
            foreach (var p in support.Search)
            {
                var def = Assert.IsType<SearchParameter>(await core.ResolveByCanonicalUriAsync(p.Definition));
                // Keep the part of a shared expression that concerns this type; drop resolve() filters (no resolver here).
                var parts = def.Expression!.Replace(".where(resolve() is Patient)", "", StringComparison.Ordinal).Split(" | ")
                    .Select(e => e.Trim('(', ')', ' '))
                    .Where(e => e.StartsWith(support.Type + ".", StringComparison.Ordinal) || e.StartsWith("Resource.", StringComparison.Ordinal)).ToList();
                Assert.True(parts.Count > 0, $"{support.Type}?{p.Name}: {def.Expression}");
                var found = parts.Any(e => compiler.Select(resource.ToPocoNode(ModelInfo.ModelInspector), e, null).Any());
                Assert.True(found, $"{support.Type}?{p.Name} ({string.Join(" | ", parts)}) selects nothing from the mapped resource");
            }
        }
    }
}
