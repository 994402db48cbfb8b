using System.Globalization;
using Enamel.Core.Records;
using F = Hl7.Fhir.Model;

namespace Enamel.Fhir.Mapping;

/// <summary>
/// One Provenance per version of an entry: the version's resource(s) as targets (Type/id/_history/version), when it was
/// recorded, who wrote it (author), why (reason as text), and the activity (CREATE for version 1, UPDATE after). An
/// entry marked entered-in-error gets one more Provenance for the mark (activity NULLIFY, who, when, why).
/// </summary>
public static class ProvenanceMapping
{
    /// <summary>The Provenance of one version; its id is "{kind}-{entry id}-v{version}".</summary>
    public static F.Provenance ToFhir(RecordEntry version)
    {
        var p = new F.Provenance
        {
            Id = $"{version.Kind.Name}-{version.Id}-v{version.Version.ToString(CultureInfo.InvariantCulture)}",
            Target = Targets(version),
            Recorded = version.Recorded.ToUniversalTime(),
            Activity = version.Version == 1
                ? new F.CodeableConcept(FhirSystems.DataOperation, "CREATE", "create")
                : new F.CodeableConcept(FhirSystems.DataOperation, "UPDATE", "revise"),
            Agent = [Agent(version.AuthorId, "author", "Author")],
        };
        if (version.Reason.Length > 0) p.Reason = [new F.CodeableConcept { Text = version.Reason }];
        // A signed note is locked: the version that holds the signature is the signing. Its Provenance carries it
        // (ASTM E1762 signature type: the author's, or an addendum's), as the Composition's attester does.
        if (version.Body is Core.Notes.ClinicalNote { IsSigned: true, SignedAt: { } at } note)
            p.Signature = [new F.Signature
            {
                Type = [note.Appends.Length > 0
                    ? new F.Coding(SignatureType, "1.2.840.10065.1.12.1.15", "Addendum Signature")
                    : new F.Coding(SignatureType, "1.2.840.10065.1.12.1.1", "Author's Signature")],
                When = at.ToUniversalTime(),
                Who = EntryMapping.UserReference(note.SignedBy),
            }];
        return p;
    }

    private const string SignatureType = "urn:iso-astm:E1762-95:2013";

    /// <summary>The Provenance of an entered-in-error mark, or null when the entry is not marked.</summary>
    public static F.Provenance? Withdrawal(RecordEntry latest)
    {
        if (latest.Withdrawn is not { } w) return null;
        var p = new F.Provenance
        {
            Id = $"{latest.Kind.Name}-{latest.Id}-eie",
            Target = Targets(latest),
            Recorded = w.Time.ToUniversalTime(),
            Activity = new F.CodeableConcept(FhirSystems.DataOperation, "NULLIFY", "nullify"),
            Agent = [Agent(w.AuthorId, "author", "Author")],
        };
        if (w.Reason.Length > 0) p.Reason = [new F.CodeableConcept { Text = w.Reason }];
        return p;
    }

    /// <summary>Every version's Provenance, oldest first, and the withdrawal's when the latest is marked.</summary>
    public static IReadOnlyList<F.Provenance> History(IReadOnlyList<RecordEntry> versions)
    {
        var all = versions.Select(ToFhir).ToList();
        if (versions.Count > 0 && Withdrawal(versions[^1]) is { } w) all.Add(w);
        return all;
    }

    private static List<F.ResourceReference> Targets(RecordEntry e)
    {
        var v = e.Version.ToString(CultureInfo.InvariantCulture);
        var list = new List<F.ResourceReference> { new($"{EntryMapping.ResourceType(e.Kind)}/{e.Id}/_history/{v}") };
        if (e.Kind == RecordKind.LabCase || e.Kind == RecordKind.Referral) list.Add(new F.ResourceReference($"Task/{e.Id}/_history/{v}"));
        return list;
    }

    private static F.Provenance.AgentComponent Agent(string userId, string code, string display) => new()
    {
        Type = new F.CodeableConcept(FhirSystems.ProvenanceParticipantType, code, display),
        Who = EntryMapping.UserReference(userId),
    };
}
