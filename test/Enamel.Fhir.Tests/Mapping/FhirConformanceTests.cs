using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Fhir;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using FhirAuditEvent = Hl7.Fhir.Model.AuditEvent;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>Our exported AuditEvent JSON, read back by the HL7 FHIR .NET SDK (R4) in strict mode as a peer.</summary>
public sealed class FhirConformanceTests
{
    public static TheoryData<AuditOutcome, string, string> Cases() => new()
    {
        { AuditOutcome.Success, "Read", "192.168.1.20" },
        { AuditOutcome.Denied, "Export", "CBCT_AE" },
        { AuditOutcome.Failure, "Login", "" },
        { AuditOutcome.Success, "BreakGlass", "::1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_AnyEvent_IsAStrictlyValidR4AuditEvent(AuditOutcome outcome, string action, string source)
    {
        var record = new AuditRecord(7, new AuditEvent(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero), "u-7", "dentist",
            action == "Login" ? null : 1234, action == "Login" ? "" : "Imaging study 1.2.3", action, outcome, action == "Login" ? "" : "TREAT", source)
        { Detail = "rule" }, new byte[32]);
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) FhirAuditEventWriter.Write(w, record, "north");

        var reader = new Utf8JsonReader(ms.ToArray());
        var sdk = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        bool ok = sdk.TryDeserializeResource(ref reader, out var resource, out IEnumerable<CodedException> issues);

        Assert.True(ok, string.Join("; ", issues?.Select(i => i.Message) ?? []));
        var parsed = Assert.IsType<FhirAuditEvent>(resource);
        Assert.Equal("u-7", parsed.Agent[0].Who?.Identifier?.Value);
        Assert.Equal(outcome == AuditOutcome.Success ? FhirAuditEvent.AuditEventOutcome.N0 : outcome == AuditOutcome.Denied
            ? FhirAuditEvent.AuditEventOutcome.N4 : FhirAuditEvent.AuditEventOutcome.N8, parsed.Outcome);
    }

    [Fact]
    public void WriteBundle_EmptyAndFull_AreValidR4Bundles()
    {
        var record = new AuditRecord(1, new AuditEvent(DateTimeOffset.UnixEpoch, "u", "r", 5, "", "Read", AuditOutcome.Success, "TREAT", "10.0.0.1"), new byte[32]);
        foreach (var records in new[] { Array.Empty<AuditRecord>(), [record, record with { Sequence = 2 }] })
        {
            var ms = new MemoryStream();
            using (var w = new Utf8JsonWriter(ms)) FhirAuditEventWriter.WriteBundle(w, records, "north");
            var reader = new Utf8JsonReader(ms.ToArray());
            var sdk = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
            Assert.True(sdk.TryDeserializeResource(ref reader, out var resource, out var issues), string.Join("; ", issues?.Select(i => i.Message) ?? []));
            Assert.Equal(records.Length, Assert.IsType<Hl7.Fhir.Model.Bundle>(resource).Entry.Count);
        }
    }
}
