using System.Globalization;
using System.Text.Json;

namespace Enamel.Core.Audit;

/// <summary>Writes an audit entry as a FHIR R4 AuditEvent resource (JSON), as a patient's access report or an export would.</summary>
public static class FhirAuditEventWriter
{
    private const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";

    public static void Write(Utf8JsonWriter w, AuditRecord record, string sourceSite)
    {
        var e = record.Event;
        var (eventCode, eventDisplay) = AuditCoding.EventId(e.Action);
        w.WriteStartObject();
        w.WriteString("resourceType", "AuditEvent");
        w.WriteString("id", record.Sequence.ToString(CultureInfo.InvariantCulture));
        w.WriteStartObject("type");
        w.WriteString("system", Dcm);
        w.WriteString("code", eventCode);
        w.WriteString("display", eventDisplay);
        w.WriteEndObject();
        w.WriteStartArray("subtype");
        w.WriteStartObject();
        w.WriteString("system", "urn:enamel:audit-action");
        w.WriteString("code", e.Action.Text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("action", AuditCoding.ActionCode(e.Action));
        w.WriteString("recorded", AuditChain.FormatTime(e.Time));
        w.WriteString("outcome", AuditCoding.OutcomeCode(e.Outcome));
        if (e.Detail.Length > 0) w.WriteString("outcomeDesc", e.Detail);
        if (e.Purpose.Length > 0)
        {
            w.WriteStartArray("purposeOfEvent");
            w.WriteStartObject();
            w.WriteStartArray("coding");
            w.WriteStartObject();
            w.WriteString("system", "http://terminology.hl7.org/CodeSystem/v3-ActReason");
            w.WriteString("code", e.Purpose);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        w.WriteStartArray("agent");
        w.WriteStartObject();
        w.WriteStartObject("type");
        w.WriteStartArray("coding");
        w.WriteStartObject();
        w.WriteString("system", "http://terminology.hl7.org/CodeSystem/extra-security-role-type");
        w.WriteString("code", "humanuser");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        if (e.ActorRole.Length > 0)
        {
            w.WriteStartArray("role");
            w.WriteStartObject();
            w.WriteString("text", e.ActorRole);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteStartObject("who");
        WriteIdentifier(w, "urn:enamel:user", e.ActorId);
        w.WriteEndObject();
        w.WriteBoolean("requestor", true);
        if (e.Source.Length > 0)
        {
            w.WriteStartObject("network");
            w.WriteString("address", e.Source);
            w.WriteString("type", AuditCoding.NetworkType(e.Source));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("source");
        w.WriteString("site", sourceSite);
        w.WriteStartObject("observer");
        w.WriteString("display", "Enamel");
        w.WriteEndObject();
        w.WriteStartArray("type");
        w.WriteStartObject();
        w.WriteString("system", "http://terminology.hl7.org/CodeSystem/security-source-type");
        w.WriteString("code", "4");
        w.WriteString("display", "Application Server");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();

        if (e.PatientKey is not null || e.Object.Text.Length > 0) WriteEntities(w, e);
        w.WriteEndObject();
    }

    /// <summary>FHIR arrays are never empty: only called when there is a patient or an object.</summary>
    private static void WriteEntities(Utf8JsonWriter w, AuditEvent e)
    {
        w.WriteStartArray("entity");
        if (e.PatientKey is { } patient)
        {
            w.WriteStartObject();
            w.WriteStartObject("what");
            WriteIdentifier(w, "urn:enamel:patient", patient.ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
            WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
            WriteCoding(w, "role", "http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
            w.WriteEndObject();
        }
        if (e.Object.Text.Length > 0)
        {
            w.WriteStartObject();
            w.WriteStartObject("what");
            w.WriteString("display", e.Object.Text);
            w.WriteEndObject();
            WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A FHIR searchset Bundle of AuditEvents.</summary>
    public static void WriteBundle(Utf8JsonWriter w, IReadOnlyCollection<AuditRecord> records, string sourceSite)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("type", "searchset");
        w.WriteNumber("total", records.Count);
        if (records.Count > 0)
        {
            w.WriteStartArray("entry");
            foreach (var r in records)
            {
                w.WriteStartObject();
                w.WritePropertyName("resource");
                Write(w, r, sourceSite);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteIdentifier(Utf8JsonWriter w, string system, string value)
    {
        w.WriteStartObject("identifier");
        w.WriteString("system", system);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    private static void WriteCoding(Utf8JsonWriter w, string name, string system, string code, string display)
    {
        w.WriteStartObject(name);
        w.WriteString("system", system);
        w.WriteString("code", code);
        w.WriteString("display", display);
        w.WriteEndObject();
    }
}
