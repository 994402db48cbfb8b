using Enamel.Fhir.Mapping;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Conformance;

/// <summary>One search parameter a resource supports: its name, type and the SearchParameter that defines it.</summary>
public sealed record SearchParam(string Name, F.SearchParamType Type, string Definition);

/// <summary>What Enamel serves for one resource type: its interactions, search parameters, and whether a create may be conditional.</summary>
public sealed record ResourceSupport(string Type, IReadOnlyList<F.CapabilityStatement.TypeRestfulInteraction> Interactions, IReadOnlyList<SearchParam> Search)
{
    public bool ConditionalCreate { get; init; }

    /// <summary>Operations on the type or its instances: (name, OperationDefinition canonical).</summary>
    public IReadOnlyList<(string Name, string Definition)> Operations { get; init; } = [];

    /// <summary>Types an _include may bring along (the patient).</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];
}

/// <summary>
/// The one table of what Enamel's FHIR endpoint supports: resource types (the record's entry kinds through
/// <see cref="EntryMapping"/>, Patient, the Task of lab cases and referrals, Provenance of every version), interactions,
/// search parameters (R4's own definitions, and <see cref="EnamelDefinitions.BodySiteSearchParameter"/>). The
/// CapabilityStatement is built from it, and the endpoint routes from it, so the statement cannot claim more than is served.
/// </summary>
public static class FhirSupport
{
    private const string Sp = "http://hl7.org/fhir/SearchParameter/";
    private const string Op = "http://hl7.org/fhir/OperationDefinition/";

    private static SearchParam Token(string name, string def) => new(name, F.SearchParamType.Token, Sp + def);
    private static SearchParam Date(string name, string def) => new(name, F.SearchParamType.Date, Sp + def);
    private static SearchParam Ref(string name, string def) => new(name, F.SearchParamType.Reference, Sp + def);
    private static SearchParam Str(string name, string def) => new(name, F.SearchParamType.String, Sp + def);

    /// <summary>_id and _lastUpdated, which every type supports.</summary>
    public static IReadOnlyList<SearchParam> Common { get; } = [Token("_id", "Resource-id"), Date("_lastUpdated", "Resource-lastUpdated")];

    private static readonly F.CapabilityStatement.TypeRestfulInteraction[] Full =
    [
        F.CapabilityStatement.TypeRestfulInteraction.Read, F.CapabilityStatement.TypeRestfulInteraction.Vread,
        F.CapabilityStatement.TypeRestfulInteraction.SearchType, F.CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        F.CapabilityStatement.TypeRestfulInteraction.HistoryType, F.CapabilityStatement.TypeRestfulInteraction.Create,
        F.CapabilityStatement.TypeRestfulInteraction.Update,
    ];

    private static ResourceSupport Entry(string type, params SearchParam[] search) =>
        new(type, Full, [.. Common, Ref("patient", type == "Coverage" ? "Coverage-patient" : "clinical-patient"), .. search]) { Includes = [$"{type}:patient"] };

    public static IReadOnlyList<ResourceSupport> Resources { get; } =
    [
        new("Patient", Full,
            [.. Common, Token("identifier", "Patient-identifier"), Str("name", "Patient-name"), Str("family", "individual-family"), Str("given", "individual-given"),
                Date("birthdate", "individual-birthdate"), Token("gender", "individual-gender")])
        {
            ConditionalCreate = true,
            Operations = [("everything", Op + "Patient-everything")],
        },
        Entry("Coverage", Token("status", "Coverage-status"), Token("identifier", "Coverage-identifier"), Ref("beneficiary", "Coverage-beneficiary")) with { ConditionalCreate = true },
        Entry("Condition", Token("clinical-status", "Condition-clinical-status"), Token("code", "clinical-code"), Token("category", "Condition-category"),
            Date("onset-date", "Condition-onset-date"), Date("recorded-date", "Condition-recorded-date")),
        Entry("AllergyIntolerance", Token("clinical-status", "AllergyIntolerance-clinical-status"), Token("code", "clinical-code"),
            Token("criticality", "AllergyIntolerance-criticality"), Date("date", "clinical-date")),
        Entry("MedicationStatement", Token("status", "medications-status"), Token("code", "clinical-code"), Date("effective", "MedicationStatement-effective")),
        Entry("Procedure", Token("status", "Procedure-status"), Token("code", "clinical-code"), Date("date", "clinical-date"), Token("category", "Procedure-category"),
            new SearchParam("body-site", F.SearchParamType.Token, FhirSystems.BodySiteSearchParameter)),
        Entry("MedicationRequest", Token("status", "medications-status"), Token("code", "clinical-code"), Date("authoredon", "MedicationRequest-authoredon"),
            Token("intent", "MedicationRequest-intent")),
        Entry("Composition", Token("status", "Composition-status"), Date("date", "clinical-date"), Token("type", "clinical-type"), Ref("related-ref", "Composition-related-ref"))
            with { Operations = [("document", Op + "Composition-document")] },
        Entry("DocumentReference", Token("status", "DocumentReference-status"), Date("date", "DocumentReference-date"), Token("category", "DocumentReference-category"),
            Token("type", "clinical-type")),
        Entry("ServiceRequest", Token("status", "ServiceRequest-status"), Token("category", "ServiceRequest-category"), Date("authored", "ServiceRequest-authored"),
            Token("code", "clinical-code")),
        new("Task",
            [F.CapabilityStatement.TypeRestfulInteraction.Read, F.CapabilityStatement.TypeRestfulInteraction.Vread, F.CapabilityStatement.TypeRestfulInteraction.SearchType,
                F.CapabilityStatement.TypeRestfulInteraction.HistoryInstance, F.CapabilityStatement.TypeRestfulInteraction.Update],
            [.. Common, Ref("patient", "Task-patient"), Token("status", "Task-status"), Ref("focus", "Task-focus"), Token("business-status", "Task-business-status")])
        { Includes = ["Task:patient"] },
        new("Provenance", [F.CapabilityStatement.TypeRestfulInteraction.Read, F.CapabilityStatement.TypeRestfulInteraction.SearchType],
            [.. Common, Ref("target", "Provenance-target"), Ref("patient", "Provenance-patient"), Date("recorded", "Provenance-recorded"), Ref("agent", "Provenance-agent")]),
    ];

    private static readonly F.CapabilityStatement.TypeRestfulInteraction[] ReadSearch =
        [F.CapabilityStatement.TypeRestfulInteraction.Read, F.CapabilityStatement.TypeRestfulInteraction.SearchType];

    /// <summary>
    /// Types Enamel maps (<see cref="ImagingStudyMapping"/>, <see cref="PeopleMapping"/>, <see cref="EntryMapping.ToDiagnosticReport"/>)
    /// but the endpoint does not serve yet: read and search as they would be offered. Kept apart from <see cref="Resources"/>,
    /// which the endpoint routes from and the CapabilityStatement is built from, so the statement does not claim them; a type
    /// moves into <see cref="Resources"/> when its routes exist. Search parameters are only those the mapping gives values to.
    /// </summary>
    public static IReadOnlyList<ResourceSupport> MappedNotServed { get; } =
    [
        new("ImagingStudy", ReadSearch,
            [.. Common, Ref("patient", "clinical-patient"), Date("started", "ImagingStudy-started"), Token("modality", "ImagingStudy-modality"),
                Token("identifier", "clinical-identifier"), Ref("endpoint", "ImagingStudy-endpoint")])
        { Includes = ["ImagingStudy:patient"] },
        new("Endpoint", ReadSearch, [.. Common, Token("status", "Endpoint-status"), Token("connection-type", "Endpoint-connection-type")]),
        new("RelatedPerson", ReadSearch,
            [.. Common, Ref("patient", "RelatedPerson-patient"), Token("identifier", "RelatedPerson-identifier"), Str("name", "RelatedPerson-name"),
                Token("relationship", "RelatedPerson-relationship"), Token("active", "RelatedPerson-active")])
        { Includes = ["RelatedPerson:patient"] },
        new("Practitioner", ReadSearch,
            [.. Common, Token("identifier", "Practitioner-identifier"), Str("name", "Practitioner-name"), Token("active", "Practitioner-active")]),
        new("Organization", ReadSearch,
            [.. Common, Token("identifier", "Organization-identifier"), Str("name", "Organization-name"), Token("active", "Organization-active")]),
        new("DiagnosticReport", ReadSearch,
            [.. Common, Ref("patient", "clinical-patient"), Token("status", "DiagnosticReport-status"), Ref("based-on", "DiagnosticReport-based-on"),
                Date("issued", "DiagnosticReport-issued")])
        { Includes = ["DiagnosticReport:patient"] },
    ];
}
