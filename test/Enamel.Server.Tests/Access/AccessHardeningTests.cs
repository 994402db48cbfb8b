using System.Net;
using System.Text.Json;
using Enamel.Core.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Tests.Access;

/// <summary>Issue 11 (adversarial probe), over real HTTPS: the purpose-of-use header and wrong methods.</summary>
public class AccessHardeningTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("4")]                      // Enum.TryParse took the number of Emergency
    [InlineData("Treatment, Emergency")]   // … and OR-ed a comma list into a value
    [InlineData("Treatment,Emergency")]
    [InlineData("Emergency,Emergency")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("Emergencyy")]
    [InlineData("ETREAT,TREAT")]
    public async Task PurposeOfUse_NotExactlyOneNameOrCode_Is400_WithAClearProblem(string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.TryAddWithoutValidation("X-Purpose-Of-Use", value);
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("X-Purpose-Of-Use must be exactly one of", detail);
        Assert.Contains("Emergency (ETREAT)", detail);
    }

    [Fact]
    public async Task PurposeOfUse_TwoHeaderLines_Is400()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.TryAddWithoutValidation("X-Purpose-Of-Use", ["Treatment", "Emergency"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("Treatment")]
    [InlineData("treatment")]
    [InlineData("EMERGENCY")]
    [InlineData("ETREAT")]
    [InlineData("hpaymt")]
    [InlineData("PatientRequest")]
    public async Task PurposeOfUse_ANameOrCode_AnyCase_IsAccepted(string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.Add("X-Purpose-Of-Use", value);
        var status = (await server.Client.SendAsync(request)).StatusCode;
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.NoContent, $"{value}: {status}"); // no studies yet: 204
    }

    [Fact]
    public void PurposeCodes_TryParse_TakesOnlyExactNamesAndCodes()
    {
        Assert.True(PurposeCodes.TryParse("emergency", out var p) && p == Purpose.Emergency);
        Assert.True(PurposeCodes.TryParse("ETREAT", out p) && p == Purpose.Emergency);
        Assert.True(PurposeCodes.TryParse("hcompl", out p) && p == Purpose.Compliance);
        foreach (var bad in new[] { "4", "04", "+4", "Treatment, Emergency", "Emergency ", " Emergency", "", null, "Emergency|Treatment", "7" })
            Assert.False(PurposeCodes.TryParse(bad, out _), $"'{bad}' was accepted");
    }

    /// <summary>A method the path does not map is the router's 405 with an Allow header, not a 403 and an error log line.</summary>
    [Theory]
    [InlineData("DELETE", "/health", "GET")]
    [InlineData("PUT", "/signin", "GET, POST")]
    [InlineData("DELETE", "/api/break-glass", "GET, POST")]
    [InlineData("PATCH", "/dicom-web/studies", "GET, POST")]
    [InlineData("POST", "/account", "GET")]
    public async Task WrongMethod_Is405_WithAllow_AndLogsNoError(string method, string path, string allowed)
    {
        var logs = new LogCapture();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        foreach (var client in new[] { server.Client, server.AnonymousClient() })
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(allowed.Split(", ").Order(), response.Content.Headers.Allow.Order());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Error);
    }
}
