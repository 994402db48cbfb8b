using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Fhir.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Enamel.Fhir;

/// <summary>
/// Writes audit entries as FHIR R4 JSON (an AuditEvent, or a searchset Bundle of them) with Firely's serializer, as a
/// patient's access report, the audit API and <c>enamel audit export</c> do. The mapping is <see cref="AuditEventMapping"/>.
/// </summary>
public static class FhirAuditEventWriter
{
    private static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    public static void Write(Utf8JsonWriter writer, AuditRecord record, string sourceSite) =>
        Serializer.Serialize(AuditEventMapping.ToFhir(record, sourceSite), writer);

    public static void WriteBundle(Utf8JsonWriter writer, IReadOnlyCollection<AuditRecord> records, string sourceSite) =>
        Serializer.Serialize(AuditEventMapping.ToBundle(records, sourceSite), writer);
}
