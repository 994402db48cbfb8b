using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Conformance;

/// <summary>
/// The server's CapabilityStatement (kind instance, FHIR 4.0.1): exactly <see cref="FhirSupport.Resources"/> — each
/// type's interactions, search parameters with their definitions, versioned updates (ETag / If-Match), conditional
/// create where listed, _include of the patient — plus batch and transaction, JSON and XML.
/// </summary>
public static class CapabilityStatementBuilder
{
    public static F.CapabilityStatement Build(string baseUrl, string softwareVersion, DateTimeOffset date) => Build(baseUrl, softwareVersion, date, FhirSupport.Resources);

    public static F.CapabilityStatement Build(string baseUrl, string softwareVersion, DateTimeOffset date, IReadOnlyList<ResourceSupport> resources)
    {
        var rest = new F.CapabilityStatement.RestComponent
        {
            Mode = F.CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = new F.Markdown("Enamel's clinical record. Every interaction is decided by the access policy on the resource's record category and audited."),
            Interaction =
            [
                new F.CapabilityStatement.SystemInteractionComponent { Code = F.CapabilityStatement.SystemRestfulInteraction.Transaction },
                new F.CapabilityStatement.SystemInteractionComponent { Code = F.CapabilityStatement.SystemRestfulInteraction.Batch },
            ],
        };
        foreach (var r in resources)
        {
            var component = new F.CapabilityStatement.ResourceComponent
            {
                Type = r.Type,
                Profile = $"http://hl7.org/fhir/StructureDefinition/{r.Type}",
                Interaction = [.. r.Interactions.Select(i => new F.CapabilityStatement.ResourceInteractionComponent { Code = i })],
                ReadHistory = r.Interactions.Contains(F.CapabilityStatement.TypeRestfulInteraction.Vread),
                UpdateCreate = false,
                SearchInclude = [.. r.Includes],
                SearchParam = [.. r.Search.Select(s => new F.CapabilityStatement.SearchParamComponent { Name = s.Name, Type = s.Type, Definition = s.Definition })],
            };
            if (r.Interactions.Contains(F.CapabilityStatement.TypeRestfulInteraction.Update))
            {
                component.Versioning = F.CapabilityStatement.ResourceVersionPolicy.VersionedUpdate;
                component.ConditionalUpdate = false;
            }
            if (r.Interactions.Contains(F.CapabilityStatement.TypeRestfulInteraction.Create)) component.ConditionalCreate = r.ConditionalCreate;
            component.Operation = [.. r.Operations.Select(o => new F.CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition })];
            rest.Resource.Add(component);
        }
        return new F.CapabilityStatement
        {
            Url = baseUrl.TrimEnd('/') + "/metadata",
            Name = "EnamelFhirServer",
            Title = "Enamel FHIR R4 server",
            Status = F.PublicationStatus.Active,
            Experimental = false,
            DateElement = new F.FhirDateTime(date.ToUniversalTime()),
            Publisher = "Enamel",
            Kind = F.CapabilityStatementKind.Instance,
            Software = new F.CapabilityStatement.SoftwareComponent { Name = "Enamel", Version = softwareVersion },
            Implementation = new F.CapabilityStatement.ImplementationComponent
            {
                // R4 types it string (the SDK's Description property is R5's markdown).
                DescriptionElement = new F.FhirString("Enamel dental records vault"),
                Url = baseUrl.TrimEnd('/'),
            },
            FhirVersion = F.FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            Rest = [rest],
        };
    }
}
