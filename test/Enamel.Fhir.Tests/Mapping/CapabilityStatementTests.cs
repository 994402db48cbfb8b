using Enamel.Core.Records;
using Enamel.Fhir.Conformance;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>The CapabilityStatement: valid R4, exactly the supported types, every search parameter a real definition.</summary>
public sealed class CapabilityStatementTests
{
    private static readonly CapabilityStatement Statement = CapabilityStatementBuilder.Build("https://clinic.example/fhir", "1.0.0", RecordSamples.Recorded);

    [Fact]
    public void Build_ValidatesWithoutErrors() => RecordValidationTests.AssertValid(Statement, "capabilities");

    [Fact]
    public void Build_ListsExactlyTheMappedTypesPatientTaskAndProvenance()
    {
        var mapped = RecordKind.Entries.Where(EntryMapping.IsMapped).Select(EntryMapping.ResourceType);
        var expected = mapped.Concat(["Patient", "Task", "Provenance"]).Distinct().Order();
        Assert.Equal(expected, Statement.Rest[0].Resource.Select(r => r.Type).Order());
        Assert.DoesNotContain(Statement.Rest[0].Resource, r => r.Type == "ChargeItem");
    }

    [Fact]
    public async System.Threading.Tasks.Task SearchParams_EachIsDefinedForItsTypeWithItsType()
    {
        var core = new CachedResolver(ZipSource.CreateValidationSource());
        var ours = EnamelDefinitions.All().OfType<SearchParameter>().ToDictionary(s => s.Url!);
        foreach (var resource in Statement.Rest[0].Resource)
            foreach (var p in resource.SearchParam)
            {
                var def = ours.GetValueOrDefault(p.Definition ?? "") ?? await core.ResolveByCanonicalUriAsync(p.Definition) as SearchParameter;
                Assert.True(def is not null, $"{resource.Type}?{p.Name}: {p.Definition} does not resolve");
                Assert.Equal(p.Name, def!.Code);
                Assert.Equal(p.Type, def.Type);
                Assert.True(def.Base.Any(b => b?.ToString() == resource.Type || b?.ToString() == "Resource"), $"{resource.Type}?{p.Name}: {p.Definition} is not for {resource.Type}");
            }
    }

    [Fact]
    public void Procedure_DeclaresTheCustomBodySiteParameter()
    {
        var procedure = Statement.Rest[0].Resource.Single(r => r.Type == "Procedure");
        var bodySite = procedure.SearchParam.Single(p => p.Name == "body-site");
        Assert.Equal(FhirSystems.BodySiteSearchParameter, bodySite.Definition);
        Assert.Equal(SearchParamType.Token, bodySite.Type);
        Assert.Equal("Procedure.bodySite", EnamelDefinitions.BodySiteSearchParameter().Expression);
    }

    [Fact]
    public void Updates_AreVersioned_AndPatientCreateIsConditional()
    {
        Assert.All(Statement.Rest[0].Resource.Where(r => r.Interaction.Any(i => i.Code == CapabilityStatement.TypeRestfulInteraction.Update)),
            r => Assert.Equal(CapabilityStatement.ResourceVersionPolicy.VersionedUpdate, r.Versioning));
        Assert.True(Statement.Rest[0].Resource.Single(r => r.Type == "Patient").ConditionalCreate);
        Assert.Contains(Statement.Rest[0].Resource.Single(r => r.Type == "Patient").Operation, o => o.Name == "everything");
    }

    [Fact]
    public void BodySite_ExpressionOnAProcedure_SelectsTheToothWithBothCodings()
    {
        var procedure = EntryMapping.ToResource(RecordSamples.Entry(RecordSamples.Bodies["procedure-full"]));
        var nodes = new Hl7.FhirPath.FhirPathCompilerCache().Select(procedure.ToPocoNode(ModelInfo.ModelInspector),
            EnamelDefinitions.BodySiteSearchParameter().Expression!, null).ToList();
        var site = Assert.IsType<CodeableConcept>(Assert.Single(nodes).Poco);
        Assert.Equal([(FhirSystems.Fdi, "16"), (FhirSystems.Snomed, "865995000")], site.Coding.Select(c => (c.System, c.Code)));
    }
}
