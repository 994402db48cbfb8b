using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Access;

/// <summary>Every DICOMweb and WADO-URI endpoint goes through authentication and the policy decision point.</summary>
public class DicomWebAccessTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Study = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    /// <summary>Every mapped route except /health and the web pages (/, /signin, /signout, /account, /static: WebTests), with its route parameters filled in.</summary>
    private List<(string Method, string Path)> AllDataEndpoints()
    {
        var sources = server.Services.GetServices<EndpointDataSource>();
        var list = new List<(string, string)>();
        foreach (var e in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + e.RoutePattern.RawText!.TrimStart('/');
            if (pattern == "/health" || pattern == "/" || new[] { "/signin", "/signout", "/account", "/static" }.Any(p => pattern == p || pattern.StartsWith(p + "/", StringComparison.Ordinal))) continue;
            var path = pattern.Replace("{study}", Study).Replace("{series}", "1.2").Replace("{instance}", "1.2.3").Replace("{frames}", "1")
                .Replace("{frame:int}", "1").Replace("{**path}", "7FE00010");
            foreach (var method in e.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods)) list.Add((method, path));
        }
        return list;
    }

    [Fact]
    public async Task EveryEndpoint_WithoutCredentials_Is401()
    {
        using var anonymous = server.AnonymousClient();
        var endpoints = AllDataEndpoints();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} endpoints found: the sweep would prove nothing");
        foreach (var (method, path) in endpoints)
        {
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without credentials");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task EveryEndpoint_Receptionist_Is403()
    {
        var token = await server.CreateTokenAsync("receptionist", "front-desk-" + Guid.NewGuid().ToString("N")[..6], ["Imaging:Read", "Imaging:Create", "Demographics:Read"]);
        using var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (method, path) in AllDataEndpoints())
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode} to a receptionist");
        }
    }

    [Fact]
    public async Task Token_ScopedToRead_CannotStore_AndRevokedTokenIsRefused()
    {
        var token = await server.CreateTokenAsync("dentist", "viewer-" + Guid.NewGuid().ToString("N")[..6], ["Imaging:Read"]);
        using var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/dicom-web/studies?PatientID=nobody")).StatusCode);
        var stow = await client.PostAsync("/dicom-web/studies", new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new MediaTypeHeaderValue("application/dicom") } });
        Assert.Equal(HttpStatusCode.Forbidden, stow.StatusCode);

        var record = await server.Folder.Security.Tokens.FindByHashAsync(Enamel.Core.Accounts.SecretToken.Hash(token), default);
        Assert.NotNull(record);
        Assert.True(await server.Services.GetRequiredService<Enamel.Core.Accounts.ApiTokens>().RevokeAsync(record.Id, "test", default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dicom-web/studies?PatientID=nobody")).StatusCode);
    }

    [Fact]
    public async Task Decisions_AreAudited_AndTheChainVerifies()
    {
        using var anonymous = server.AnonymousClient();
        await server.Client.GetAsync("/dicom-web/studies?PatientID=audit-check");
        var entries = new List<Enamel.Core.Audit.AuditRecord>();
        await foreach (var r in server.Folder.Security.Audit.ReadAsync(0, default)) entries.Add(r);
        Assert.Contains(entries, r => r.Event.Object.StartsWith("Imaging", StringComparison.Ordinal) && r.Event.Action == "Read");
    }

    [Fact]
    public async Task BadPurposeOfUse_Is400()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.Add("X-Purpose-Of-Use", "curiosity");
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(request)).StatusCode);
    }
}
