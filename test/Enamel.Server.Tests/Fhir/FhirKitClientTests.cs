using System.Text.Json;

namespace Enamel.Server.Tests.Fhir;

/// <summary>
/// fhir-kit-client (an npm FHIR client nobody here wrote) drives the live server: a receptionist registers a patient, a
/// dentist records three conditions, searches and pages through the `next` links, updates one with If-Match (a stale
/// one is 412), reads its history and the patient's $everything.
/// </summary>
public class FhirKitClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] All = [.. Enamel.Core.Access.Operation.All.Select(o => o.ToString())];

    [Fact]
    public async Task FhirKitClient_CreatesSearchesPagesUpdatesReadsHistoryAndEverything()
    {
        var folder = NodeClients.Folder("FhirClient");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "fhir-kit-client")))
            NodeClients.Run("npm", ["ci", "--silent", "--no-audit", "--no-fund"], folder);
        var pem = Path.Combine(server.DataDirectory, "server-cert-fhir.pem");
        await File.WriteAllTextAsync(pem, server.Certificate.ExportCertificatePem());
        var desk = await server.CreateTokenAsync("receptionist", $"npm-desk-{Guid.NewGuid():N}"[..24], All);
        var dentist = await server.CreateTokenAsync("dentist", $"npm-dentist-{Guid.NewGuid():N}"[..24], All);
        var output = NodeClients.Run("node", ["client.mjs", server.BaseAddress + "fhir"], folder,
            new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = pem, ["ENAMEL_DESK_TOKEN"] = desk, ["ENAMEL_TOKEN"] = dentist });

        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        Assert.Equal("4.0.1", r.GetProperty("fhirVersion").GetString());
        Assert.Equal(1, r.GetProperty("patientSearchTotal").GetInt32());
        Assert.Equal(3, r.GetProperty("searchTotal").GetInt32());
        Assert.Equal(2, r.GetProperty("pages").GetInt32());
        var created = r.GetProperty("created").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Equal(created, r.GetProperty("seen").EnumerateArray().Select(e => e.GetString()).ToHashSet());
        Assert.Equal("2", r.GetProperty("updatedVersion").GetString());
        Assert.Equal(412, r.GetProperty("staleStatus").GetInt32());
        Assert.Equal(["2", "1"], r.GetProperty("historyVersions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Condition", "Patient"], r.GetProperty("everythingTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, r.GetProperty("everythingTotal").GetInt32());
    }
}
