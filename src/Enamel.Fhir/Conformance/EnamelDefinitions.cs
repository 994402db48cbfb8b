using Enamel.Fhir.Mapping;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Conformance;

/// <summary>
/// Enamel's own conformance resources: the two extensions its resources carry (tooth-surface on a tooth's
/// CodeableConcept, document-body-site on DocumentReference) and the Procedure body-site search parameter. Given to the
/// validator (so Enamel's extensions are checked against their definitions, not passed over as unknown) and served by
/// the FHIR endpoint. The extensions are differentials; the validator completes their snapshots from the core.
/// </summary>
public static class EnamelDefinitions
{
    public static F.StructureDefinition ToothSurfaceExtension() => Extension(FhirSystems.ToothSurfaceExtension, "tooth-surface", "ToothSurface",
        "Tooth surface", "One surface of the tooth the CodeableConcept names (FDI-surface: M O I D B V L; urn:enamel:tooth-surface: P, palatal). Repeats per surface.",
        "CodeableConcept", "Coding");

    public static F.StructureDefinition DocumentBodySiteExtension() => Extension(FhirSystems.DocumentBodySiteExtension, "document-body-site", "DocumentBodySite",
        "Tooth or body part a document concerns", "The tooth (FDI and SNOMED CT codings) or the body part (text) a document concerns.",
        "DocumentReference", "CodeableConcept");

    /// <summary>Procedure?body-site=[system|]code: matches Procedure.bodySite (FDI tooth number or SNOMED CT code).</summary>
    public static F.SearchParameter BodySiteSearchParameter() => new()
    {
        Id = "Procedure-body-site",
        Url = FhirSystems.BodySiteSearchParameter,
        Name = "body-site",
        Status = F.PublicationStatus.Active,
        Experimental = false,
        Publisher = "Enamel",
        Description = new F.Markdown("Procedures on a body site: the tooth as an FDI number (urn:iso:std:iso:3950|16) or its SNOMED CT structure code (http://snomed.info/sct|865995000)."),
        Code = "body-site",
        Base = [F.ResourceType.Procedure],
        Type = F.SearchParamType.Token,
        Expression = "Procedure.bodySite",
        Xpath = "f:Procedure/f:bodySite",
        XpathUsage = F.SearchParameter.XPathUsageType.Normal,
    };

    public static IReadOnlyList<F.Resource> All() => [ToothSurfaceExtension(), DocumentBodySiteExtension(), BodySiteSearchParameter()];

    private static F.StructureDefinition Extension(string url, string id, string name, string title, string description, string context, string valueType) => new()
    {
        Id = id,
        Url = url,
        Name = name,
        Title = title,
        Status = F.PublicationStatus.Active,
        Publisher = "Enamel",
        Description = new F.Markdown(description),
        FhirVersion = F.FHIRVersion.N4_0_1,
        Kind = F.StructureDefinition.StructureDefinitionKind.ComplexType,
        Abstract = false,
        Context = [new F.StructureDefinition.ContextComponent { Type = F.StructureDefinition.ExtensionContextType.Element, Expression = context }],
        Type = "Extension",
        BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Extension",
        Derivation = F.StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new F.StructureDefinition.DifferentialComponent
        {
            Element =
            [
                new F.ElementDefinition { ElementId = "Extension", Path = "Extension", Short = title, Definition = new F.Markdown(description) },
                new F.ElementDefinition { ElementId = "Extension.extension", Path = "Extension.extension", Max = "0" },
                new F.ElementDefinition { ElementId = "Extension.url", Path = "Extension.url", Fixed = new F.FhirUri(url) },
                new F.ElementDefinition
                {
                    ElementId = "Extension.value[x]", Path = "Extension.value[x]", Min = 1,
                    Type = [new F.ElementDefinition.TypeRefComponent { Code = valueType }],
                },
            ],
        },
    };
}
