using Enamel.Core.Treatment;
using Enamel.Fhir.Mapping;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>The tooth as a body site: every FDI tooth has its SNOMED CT structure concept, and the body site reads back.</summary>
public sealed class ToothCodingTests
{
    [Fact]
    public void Snomed_EveryFdiTooth_HasADistinctStructureConcept()
    {
        Assert.Equal(52, Teeth.All.Count);
        Assert.All(Teeth.All, t => Assert.True(ToothCoding.Snomed.ContainsKey(t), t));
        Assert.Equal(52, ToothCoding.Snomed.Values.Select(v => v.Code).Distinct().Count());
        Assert.All(ToothCoding.Snomed.Values, v => Assert.StartsWith("Structure of ", v.Display, StringComparison.Ordinal));
        Assert.All(ToothCoding.Snomed, p => Assert.Contains(Teeth.IsDeciduous(p.Key) ? "deciduous" : "permanent", p.Value.Display, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("16", "mod", "MOD")]
    [InlineData("23", "P", "P")]
    [InlineData("85", "", "")]
    [InlineData("11", "ivB", "BVI")]
    public void BodySite_RoundTrips_WithNormalisedSurfaces(string tooth, string surfaces, string normal)
    {
        var site = ToothCoding.ToBodySite(tooth, surfaces);
        Assert.Equal(FhirSystems.Fdi, site.Coding[0].System);
        Assert.Equal(FhirSystems.Snomed, site.Coding[1].System);
        Assert.Equal(normal.Length, site.Extension.Count);
        Assert.Equal((tooth, normal), ToothCoding.FromBodySite(site, "x"));
    }

    [Fact]
    public void FromBodySite_FdiAndSnomedNamingDifferentTeeth_IsRefused()
    {
        var site = ToothCoding.ToBodySite("16");
        site.Coding[1].Code = ToothCoding.Snomed["26"].Code;
        Assert.Equal("x.coding", Assert.Throws<FhirInputException>(() => ToothCoding.FromBodySite(site, "x")).Element);
    }
}
