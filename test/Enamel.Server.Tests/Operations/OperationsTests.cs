using System.Net;
using System.Text.Json;
using Enamel.Server.Hosting;
using Enamel.Server.Operations;

namespace Enamel.Server.Tests.Operations;

/// <summary>Health probes, Prometheus metrics and the OpenAPI document of a real server (Kestrel, HTTPS, DIMSE against dcmtk).</summary>
public sealed class OperationsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";

    [Fact]
    public async Task Live_Anonymous_Is200()
    {
        using var anonymous = server.AnonymousClient();
        var response = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("live", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_Anonymous_Is200WithEachCheckAndNoDetails()
    {
        using var anonymous = server.AnonymousClient();
        var response = await anonymous.GetAsync("/health/ready");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.Equal(["blobs", "database", "keys"], json.GetProperty("checks").EnumerateObject().Select(p => p.Name).Order());
        Assert.All(json.GetProperty("checks").EnumerateObject(), p => Assert.Equal("ok", p.Value.GetString()));
        Assert.DoesNotContain(server.DataDirectory, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterStowQidoAndCStore_CountsByRouteChannelAndOutcome_WithoutIdentifiers()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/dicom-web/studies?StudyInstanceUID={CtStudy}")).StatusCode);
        var store = Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ServerFixture.Sample("MR_small.dcm")]);
        Assert.True(store.ExitCode == 0, store.StdErr);

        using var anonymous = server.AnonymousClient(); // from loopback: allowed without an account
        var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "version").Value);

        var samples = Samples(text);
        Assert.True(samples.GetValueOrDefault("enamel_http_requests_total{method=\"POST\",route=\"/dicom-web/studies\",status=\"200\"}") >= 1, text);
        Assert.True(samples.GetValueOrDefault("enamel_http_requests_total{method=\"GET\",route=\"/dicom-web/studies\",status=\"200\"}") >= 1, text);
        Assert.True(samples.GetValueOrDefault("enamel_http_request_duration_seconds_count{method=\"GET\",route=\"/dicom-web/studies\"}") >= 1, text);
        Assert.True(samples.ContainsKey("enamel_http_request_duration_seconds_bucket{method=\"GET\",route=\"/dicom-web/studies\",le=\"+Inf\"}"), text);
        Assert.True(samples.GetValueOrDefault("enamel_instances_stored_total{channel=\"stow\",outcome=\"stored\"}") >= 1, text);
        Assert.True(samples.GetValueOrDefault("enamel_instances_stored_total{channel=\"c-store\",outcome=\"stored\"}") >= 1, text);
        Assert.True(samples.GetValueOrDefault("enamel_stored_bytes_total{channel=\"stow\"}") >= new FileInfo(ServerFixture.Sample("CT_small.dcm")).Length, text);
        Assert.True(samples.GetValueOrDefault("enamel_stored_bytes_total{channel=\"c-store\"}") > 0, text);
        Assert.True(samples.ContainsKey("enamel_dimse_associations_active"), text);
        Assert.True(samples.ContainsKey("enamel_dimse_spool_objects"), text);
        Assert.Contains("# TYPE enamel_http_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE enamel_instances_stored_total counter", text, StringComparison.Ordinal);

        // No UIDs, patient data, user names or AE titles in any label.
        foreach (var secret in new[] { CtStudy, "1.3.6.1.4.1", "CompressedSamples", "dr-test", "MODALITY", "dimse-dentist" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_SignedIn_DescribesTheJsonApiOnly()
    {
        var response = await server.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/audit", paths);
        Assert.Contains("/api/patients/{patient}/audit", paths);
        Assert.Contains("/api/break-glass", paths);
        Assert.Contains("/health/ready", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/dicom-web", StringComparison.Ordinal) || p.StartsWith("/signin", StringComparison.Ordinal)
            || p.StartsWith("/account", StringComparison.Ordinal) || p == "/metrics");
    }

    [Fact]
    public async Task OpenApi_Anonymous_Is401()
    {
        using var anonymous = server.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", new string[0], true)]
    [InlineData("::1", new string[0], true)]
    [InlineData("::ffff:127.0.0.1", new string[0], true)]
    [InlineData("203.0.113.9", new string[0], false)]
    [InlineData("10.0.5.7", new[] { "10.0.5.7" }, true)]
    [InlineData("10.0.6.20", new[] { "10.0.6.0/24" }, true)]
    [InlineData("10.0.7.20", new[] { "10.0.6.0/24" }, false)]
    public void MetricsReaders_LoopbackAndConfiguredNetworksOnly(string caller, string[] allowed, bool expected) =>
        Assert.Equal(expected, OperationsOptions.Allows(new OperationsOptions { AllowedNetworks = allowed }.Networks(), IPAddress.Parse(caller)));

    /// <summary>"name{labels}" → value, for every sample line of the exposition.</summary>
    internal static Dictionary<string, double> Samples(string text) => text.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => (Key: l[..l.LastIndexOf(' ')], Value: l[(l.LastIndexOf(' ') + 1)..]))
        .ToDictionary(p => p.Key, p => p.Value == "+Inf" ? double.PositiveInfinity : double.Parse(p.Value, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A server behind a trusted proxy on loopback: requests arrive as from the forwarded address.</summary>
public sealed class ProxiedServerFixture : ServerFixture
{
    protected override void Configure(EnamelOptions options) => options.TrustedProxies = ["127.0.0.1"];
}

public sealed class MetricsAccessTests(ProxiedServerFixture server) : IClassFixture<ProxiedServerFixture>
{
    [Fact]
    public async Task Metrics_FromAnAddressNotAllowed_Is404_WhileLiveStillAnswers()
    {
        using var client = server.AnonymousClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
        // Loopback itself (no forwarded hop) still reads them.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
    }
}

/// <summary>Readiness against a server whose blob store or master key file is broken under it (own server: it breaks things).</summary>
public sealed class ReadinessFailureTests(ReadinessFailureTests.Fixture server) : IClassFixture<ReadinessFailureTests.Fixture>
{
    public sealed class Fixture : ServerFixture;

    [Fact]
    public async Task Ready_BlobStoreNotWritable_Is503NamingBlobs_ThenRecovers()
    {
        var tmp = Path.Combine(server.DataDirectory, "store", "tmp");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        await File.WriteAllTextAsync(tmp, "a file where the store's temporary folder should be");
        try
        {
            await AssertNotReadyAsync("blobs");
        }
        finally
        {
            File.Delete(tmp);
        }
        await AssertReadyAsync();
    }

    [Fact]
    public async Task Ready_MasterKeyFileUnreadable_Is503NamingKeys_ThenRecovers()
    {
        var path = Path.Combine(server.DataDirectory, "master.key");
        var original = await File.ReadAllBytesAsync(path);
        await File.WriteAllTextAsync(path, "not a key file");
        try
        {
            await AssertNotReadyAsync("keys");
        }
        finally
        {
            await File.WriteAllBytesAsync(path, original);
        }
        await AssertReadyAsync();
    }

    private async Task AssertNotReadyAsync(string failing)
    {
        using var anonymous = server.AnonymousClient();
        var response = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("not-ready", json.GetProperty("status").GetString());
        Assert.Equal("failing", json.GetProperty("checks").GetProperty(failing).GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode); // alive all the same: restart would not help
    }

    private async Task AssertReadyAsync()
    {
        using var anonymous = server.AnonymousClient();
        var response = await anonymous.GetAsync("/health/ready");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
