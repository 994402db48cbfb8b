namespace Enamel.Fhir.Mapping;

/// <summary>
/// The URIs Enamel's FHIR resources use: its own identifier and code systems (<c>urn:enamel:…</c>, as the audit export
/// already does), the canonical URLs of its conformance resources (extensions, the custom search parameter), and the
/// external systems it codes with. One place, so docs/fhir.md and the code cannot drift apart.
/// </summary>
public static class FhirSystems
{
    /// <summary>The canonical base of Enamel's own conformance resources (StructureDefinition, SearchParameter).</summary>
    public const string Canonical = "urn:enamel:fhir";

    /// <summary>
    /// ISO 3950 (FDI two-digit) tooth numbers. No HL7-registered system exists for the full notation (the core's
    /// <c>ex-tooth</c> is an example with a handful of codes), so Enamel names the standard by its URN.
    /// </summary>
    public const string Fdi = "urn:iso:std:iso:3950";

    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string FdiSurface = "http://terminology.hl7.org/CodeSystem/FDI-surface";
    public const string Bcp47 = "urn:ietf:bcp:47";
    public const string V2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";
    public const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    public const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    public const string SubscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
    public const string CoverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class";
    public const string ProvenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    public const string DataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
    public const string Ucum = "http://unitsofmeasure.org";

    /// <summary>Enamel's user accounts (authors, providers, prescribers, signers): referenced by identifier, not as resources.</summary>
    public const string User = "urn:enamel:user";

    /// <summary>Enamel's clinics by clinic code (Organization.identifier, Endpoint.managingOrganization).</summary>
    public const string Clinic = "urn:enamel:clinic";

    /// <summary>HL7 v3 RoleCode: a RelatedPerson's relationship to the patient (GUARD, PRN …).</summary>
    public const string V3RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

    /// <summary>DICOM UIDs (attached images), written as urn:oid: values.</summary>
    public const string DicomUid = "urn:dicom:uid";

    /// <summary>Patient identifiers per Core <c>IdentifierType</c>: urn:enamel:identifier:chart-number …</summary>
    public const string IdentifierPrefix = "urn:enamel:identifier:";

    /// <summary>Which kind of procedure a Procedure is (past surgery, past hospitalisation, dental treatment, existing work).</summary>
    public const string ProcedureKind = "urn:enamel:procedure-kind";

    /// <summary>What a ServiceRequest orders: a lab case or a referral.</summary>
    public const string OrderKind = "urn:enamel:order-kind";

    /// <summary>The record category a document is filed under (the policy decides on it).</summary>
    public const string RecordCategory = "urn:enamel:record-category";

    /// <summary>The exact workflow state of a lab case or referral (Task.businessStatus).</summary>
    public const string WorkflowState = "urn:enamel:workflow-state";

    /// <summary>Tooth surfaces the FDI-surface system lacks (P: palatal).</summary>
    public const string EnamelSurface = "urn:enamel:tooth-surface";

    /// <summary>Prescription routes as Enamel records them (the words of Core's Prescription.Routes).</summary>
    public const string Route = "urn:enamel:route";

    /// <summary>Extension on a tooth's CodeableConcept (Procedure.bodySite …): one surface per repetition, valueCoding.</summary>
    public const string ToothSurfaceExtension = Canonical + ":StructureDefinition:tooth-surface";

    /// <summary>Extension on DocumentReference: the tooth or body part the document concerns (valueCodeableConcept).</summary>
    public const string DocumentBodySiteExtension = Canonical + ":StructureDefinition:document-body-site";

    /// <summary>The custom search parameter Procedure?body-site= (R4 has none for Procedure.bodySite).</summary>
    public const string BodySiteSearchParameter = Canonical + ":SearchParameter:Procedure-body-site";
}
