using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Enamel.Server.Tests.Features;

/// <summary>What the record API tests share: a client acting as a fresh account of a role (an API token with every operation the role holds), a patient registered at the desk, and a response read as JSON.</summary>
internal static class RecordClients
{
    private static readonly string[] All = [.. Enamel.Core.Access.Operation.All.Select(o => o.ToString())];

    public static async Task<HttpClient> ClientAsync(this ServerFixture server, string role, string clinic = "main")
    {
        var token = await server.CreateTokenAsync(role, $"{role}-{Guid.NewGuid():N}"[..24], All, clinic);
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers a patient of clinic "main" through the JSON API as <paramref name="desk"/>; its key.</summary>
    public static async Task<long> RegisterPatientAsync(HttpClient desk, object name, string birthDate, string sex, string chartPrefix)
    {
        var created = await desk.PostAsJsonAsync("/api/patients", new
        {
            clinic = "main",
            demographics = new { name, birthDate, sex },
            identifiers = new object[] { new { type = "chartNumber", value = chartPrefix + Guid.NewGuid().ToString("N")[..8] } },
            reason = "first visit",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await JsonAsync(created)).GetProperty("key").GetInt64();
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
