using System.Globalization;
using Enamel.Core.Audit;
using Hl7.Fhir.Model;
using FhirAuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// The one place an audit entry becomes a FHIR R4 AuditEvent (Firely's POCO model). The codes it shares with the DICOM
/// PS3.15 ATNA export come from <see cref="AuditCoding"/>; everything FHIR-specific (code systems, which element holds
/// what) lives here, so a change of Core's audit facts is adapted in this file alone.
/// </summary>
public static class AuditEventMapping
{
    private const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";
    private const string ActionSystem = "urn:enamel:audit-action";
    private const string UserSystem = "urn:enamel:user";
    private const string PatientSystem = "urn:enamel:patient";
    private const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    private const string SecurityRoleType = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
    private const string SecuritySourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";

    /// <summary>An appended entry as an AuditEvent: its id is the entry's sequence number; <paramref name="sourceSite"/> names this server.</summary>
    public static FhirAuditEvent ToFhir(AuditRecord record, string sourceSite)
    {
        var e = record.Event;
        var (eventCode, eventDisplay) = AuditCoding.EventId(e.Action);
        var fhir = new FhirAuditEvent
        {
            Id = record.Sequence.ToString(CultureInfo.InvariantCulture),
            Type = new Coding(Dcm, eventCode, eventDisplay),
            Subtype = [new Coding(ActionSystem, e.Action.Text)],
            Action = Enum.Parse<FhirAuditEvent.AuditEventAction>(AuditCoding.ActionCode(e.Action)),
            Recorded = e.Time.ToUniversalTime(),
            Outcome = Outcome(e.Outcome),
            OutcomeDesc = e.Detail.Length > 0 ? e.Detail : null,
            Agent = [Agent(e)],
            Source = new FhirAuditEvent.SourceComponent
            {
                Site = sourceSite,
                Observer = new ResourceReference { Display = "Enamel" },
                Type = [new Coding(SecuritySourceType, "4", "Application Server")],
            },
        };
        if (e.Purpose.Length > 0) fhir.PurposeOfEvent = [new CodeableConcept(ActReason, e.Purpose)];
        // FHIR arrays are never empty: entities only when there is a patient or an object.
        if (e.PatientKey is { } patient)
            fhir.Entity.Add(new FhirAuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(PatientSystem, patient.ToString(CultureInfo.InvariantCulture)) },
                Type = new Coding(EntityType, "1", "Person"),
                Role = new Coding(ObjectRole, "1", "Patient"),
            });
        if (e.Object.Text.Length > 0)
            fhir.Entity.Add(new FhirAuditEvent.EntityComponent
            {
                What = new ResourceReference { Display = e.Object.Text },
                Type = new Coding(EntityType, "2", "System Object"),
            });
        return fhir;
    }

    /// <summary>
    /// A FHIR searchset Bundle of AuditEvents (total = the number of entries). Each entry's fullUrl (required by bdl-15
    /// for a searchset) is a name-based urn:uuid of (site, sequence): Enamel serves no FHIR REST AuditEvent yet, so the
    /// entry has no location, but the same entry of the same site always gets the same fullUrl.
    /// </summary>
    public static Bundle ToBundle(IReadOnlyCollection<AuditRecord> records, string sourceSite)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = records.Count };
        foreach (var r in records)
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = EntryUrn(sourceSite, r.Sequence), Resource = ToFhir(r, sourceSite) });
        return bundle;
    }

    /// <summary>RFC 9562 §5.5 (name-based, SHA-1) over "enamel-audit/{site}/{sequence}".</summary>
    private static string EntryUrn(string site, long sequence)
    {
        Span<byte> hash = stackalloc byte[20];
        System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"enamel-audit/{site}/{sequence}")), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC variant
        return "urn:uuid:" + new Guid(hash[..16], bigEndian: true).ToString("D");
    }

    private static FhirAuditEvent.AgentComponent Agent(Core.Audit.AuditEvent e)
    {
        var agent = new FhirAuditEvent.AgentComponent
        {
            Type = new CodeableConcept(SecurityRoleType, "humanuser"),
            Who = new ResourceReference { Identifier = new Identifier(UserSystem, e.ActorId) },
            Requestor = true,
        };
        if (e.ActorRole.Length > 0) agent.Role = [new CodeableConcept { Text = e.ActorRole }];
        if (e.Source.Length > 0)
            agent.Network = new FhirAuditEvent.NetworkComponent
            {
                Address = e.Source,
                Type = AuditCoding.NetworkType(e.Source) == "2"
                    ? FhirAuditEvent.AuditEventAgentNetworkType.N2 : FhirAuditEvent.AuditEventAgentNetworkType.N1,
            };
        return agent;
    }

    private static FhirAuditEvent.AuditEventOutcome Outcome(AuditOutcome outcome) => AuditCoding.OutcomeCode(outcome) switch
    {
        "0" => FhirAuditEvent.AuditEventOutcome.N0,
        "4" => FhirAuditEvent.AuditEventOutcome.N4,
        _ => FhirAuditEvent.AuditEventOutcome.N8,
    };
}
