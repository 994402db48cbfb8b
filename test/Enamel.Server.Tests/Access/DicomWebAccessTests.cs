using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Access;

/// <summary>Tokens, purpose of use and the audit of decisions on the DICOMweb endpoints (the role × endpoint sweep is <see cref="EndpointMatrixTests"/>).</summary>
public class DicomWebAccessTests(ServerFixture server) : IClassFixture<ServerFixture>
{
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
        Assert.Contains(entries, r => r.Event.Object.Text.StartsWith("Imaging", StringComparison.Ordinal) && r.Event.Action == "Read");
    }

    [Fact]
    public async Task BadPurposeOfUse_Is400()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.Add("X-Purpose-Of-Use", "curiosity");
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(request)).StatusCode);
    }
}
