using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Fhir;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>The exported AuditEvent's content, element by element (moved from Core's audit export tests with the writer).</summary>
public sealed class AuditEventExportTests
{
    private static readonly AuditRecord Read = new(42,
        new AuditEvent(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.FromHours(1)), "u-7", "dentist", 1234, "Imaging study 1.2.3", "Read",
            AuditOutcome.Success, "TREAT", "192.168.1.20") { Detail = "role-permits" }, new byte[32]);

    private static readonly AuditRecord Denied = Read with { Event = Read.Event with { Outcome = AuditOutcome.Denied, Source = "CBCT_AE", Action = "Export" } };

    private static JsonElement Fhir(AuditRecord r)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) FhirAuditEventWriter.Write(w, r, "north");
        return JsonDocument.Parse(ms.ToArray()).RootElement;
    }

    [Fact]
    public void Fhir_ReadEvent_HasTheR4AuditEventShape()
    {
        var j = Fhir(Read);
        Assert.Equal("AuditEvent", j.GetProperty("resourceType").GetString());
        Assert.Equal("42", j.GetProperty("id").GetString());
        Assert.Equal("110110", j.GetProperty("type").GetProperty("code").GetString());
        Assert.Equal("R", j.GetProperty("action").GetString());
        Assert.Equal("0", j.GetProperty("outcome").GetString());
        // Firely writes the instant without trailing zero fractions (it used to be "…T08:30:00.0000000+00:00"): the same instant.
        Assert.Equal("2026-03-02T08:30:00+00:00", j.GetProperty("recorded").GetString());
        Assert.Equal("TREAT", j.GetProperty("purposeOfEvent")[0].GetProperty("coding")[0].GetProperty("code").GetString());
        var agent = j.GetProperty("agent")[0];
        Assert.Equal("u-7", agent.GetProperty("who").GetProperty("identifier").GetProperty("value").GetString());
        Assert.True(agent.GetProperty("requestor").GetBoolean());
        Assert.Equal("2", agent.GetProperty("network").GetProperty("type").GetString());
        var patient = j.GetProperty("entity")[0];
        Assert.Equal("1234", patient.GetProperty("what").GetProperty("identifier").GetProperty("value").GetString());
        Assert.Equal("1", patient.GetProperty("role").GetProperty("code").GetString());
        Assert.Equal("north", j.GetProperty("source").GetProperty("site").GetString());
    }

    [Fact]
    public void Fhir_DeniedExportFromAnAe_IsMinorFailureWithMachineName()
    {
        var j = Fhir(Denied);
        Assert.Equal("4", j.GetProperty("outcome").GetString());
        Assert.Equal("110106", j.GetProperty("type").GetProperty("code").GetString());
        Assert.Equal("1", j.GetProperty("agent")[0].GetProperty("network").GetProperty("type").GetString());
    }

    [Fact]
    public void Fhir_Bundle_WrapsEntries()
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) FhirAuditEventWriter.WriteBundle(w, [Read, Denied with { Sequence = 43 }], "north");
        var j = JsonDocument.Parse(ms.ToArray()).RootElement;
        Assert.Equal(2, j.GetProperty("entry").GetArrayLength());
        var urls = j.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("fullUrl").GetString()!).ToList();
        Assert.All(urls, u => Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", u));
        Assert.Equal(2, urls.Distinct().Count());
    }
}
