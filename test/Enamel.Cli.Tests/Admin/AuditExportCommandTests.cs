using System.Text.Json;

namespace Enamel.Cli.Tests.Admin;

/// <summary><c>enamel audit export</c>: the FHIR Bundle (Firely's serializer, Enamel.Fhir) and the ATNA lines of a real data folder's trail.</summary>
public sealed class AuditExportCommandTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public void Export_Fhir_IsASearchsetOfEveryEntry_WithTheImportAudited()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "importer", "dentist");
        var import = Enamel.Run("import", Enamel.Sample("CT_small.dcm"), "--data", data, "--as", "importer", "--report", Path.Combine(dir, "r.tsv"));
        Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);

        var export = Enamel.Run("audit", "export", "--data", data);
        Assert.True(export.ExitCode == 0, export.StdErr);
        var bundle = JsonDocument.Parse(export.StdOut).RootElement;
        Assert.Equal("Bundle", bundle.GetProperty("resourceType").GetString());
        Assert.Equal("searchset", bundle.GetProperty("type").GetString());
        var entries = bundle.GetProperty("entry").EnumerateArray().ToList();
        Assert.Equal(bundle.GetProperty("total").GetInt32(), entries.Count);
        Assert.All(entries, e => Assert.StartsWith("urn:uuid:", e.GetProperty("fullUrl").GetString(), StringComparison.Ordinal));
        var events = entries.Select(e => e.GetProperty("resource")).ToList();
        Assert.All(events, e => Assert.Equal("AuditEvent", e.GetProperty("resourceType").GetString()));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(e => e.GetProperty("id").GetString()));
        // The import's create decision: a Patient Record event, action C, naming the patient by key.
        Assert.Contains(events, e => e.GetProperty("subtype")[0].GetProperty("code").GetString() == "Create" && e.GetProperty("action").GetString() == "C"
            && e.GetProperty("type").GetProperty("code").GetString() == "110110"
            && e.GetProperty("entity").EnumerateArray().Any(x => x.TryGetProperty("role", out var r) && r.GetProperty("code").GetString() == "1"));
        Assert.DoesNotContain("CompressedSamples", export.StdOut, StringComparison.Ordinal); // no patient names in the trail
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
