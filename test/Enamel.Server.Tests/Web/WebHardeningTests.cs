using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Enamel.Server.Access;
using Enamel.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Enamel.Server.Tests.Web;

/// <summary>The web server with two test-only endpoints: one that throws, one that wipes its own response headers.</summary>
public sealed class HardeningFixture : WebServerFixture
{
    public const string Secret = "connection string Host=db.internal;Password=hunter2";

    public LogCapture Logs { get; } = new();

    protected override void Map(WebApplication app)
    {
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        app.MapGet("/test/throws", string () => throw new InvalidOperationException(Secret)).Public();
        app.MapGet("/test/clears-headers", (HttpContext http) =>
        {
            http.Response.Headers.Clear();
            return Results.Text("cleared");
        }).Public();
    }
}

/// <summary>Issue 11 (adversarial probe), over real HTTPS: security headers on every response, the sign-in return path.</summary>
public class WebHardeningTests(HardeningFixture server) : IClassFixture<HardeningFixture>
{
    private const string Password = "correct horse battery staple";

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var v) ? v.Single()
            : response.Content.Headers.TryGetValues(name, out var c) ? c.Single()
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} has no {name} header");
        Assert.Equal("max-age=31536000; includeSubDomains", Header("Strict-Transport-Security"));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header("Content-Security-Policy"));
        Assert.Equal("no-store", Header("Cache-Control"));
    }

    private HttpClient Client() => new(new HttpClientHandler
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == server.Folder.Certificate.Thumbprint,
    }) { BaseAddress = server.BaseAddress };

    [Fact]
    public async Task UriOf20000Characters_Is414_WithTheSecurityHeaders()
    {
        using var client = Client();
        var response = await client.GetAsync("/signin?return=/" + new string('a', 20_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        AssertSecurityHeaders(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData(1, 40_000)]   // one header of 40 KB
    [InlineData(40, 1_000)]   // forty of 1 KB
    [InlineData(150, 10)]     // more headers than allowed
    public async Task HeadersOver32KiB_OrTooMany_Are431_WithTheSecurityHeaders(int count, int length)
    {
        using var client = Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        for (int i = 0; i < count; i++) request.Headers.TryAddWithoutValidation($"X-Padding-{i}", new string('b', length));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    /// <summary>The same two requests byte for byte over a TLS socket, as a probe sends them (no client library in between).</summary>
    [Theory]
    [InlineData(20_000, 0, 414)]
    [InlineData(10, 40_000, 431)]
    public async Task OversizedRequests_OverARawTlsSocket_CarryTheSecurityHeaders(int uriLength, int headerBytes, int expected)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, cert, _, _) => cert is not null && cert.GetCertHashString() == server.Folder.Certificate.Thumbprint);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http11] });
        var head = $"GET /health?{new string('a', uriLength)} HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\n"
            + (headerBytes > 0 ? $"X-Padding: {new string('b', headerBytes)}\r\n" : "") + "Connection: close\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
        await tls.FlushAsync();
        using var reader = new StreamReader(tls, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync();
        Assert.StartsWith($"HTTP/1.1 {expected} ", answer, StringComparison.Ordinal);
        var headers = answer[..answer.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        foreach (var line in new[] { "Strict-Transport-Security: max-age=31536000; includeSubDomains", "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
                     "Referrer-Policy: no-referrer", "Cache-Control: no-store" })
            Assert.Contains(line, headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Security-Policy: default-src 'self'", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnhandledException_Is500ProblemDocument_WithTheSecurityHeaders_AndNoInternals()
    {
        using var client = Client();
        var response = await client.GetAsync("/test/throws");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertSecurityHeaders(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal); // no stack
        // The operator still learns what happened, from the log.
        Assert.Contains(server.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("InvalidOperationException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHandlerThatClearsItsHeaders_StillAnswersWithTheSecurityHeaders()
    {
        using var client = Client();
        var response = await client.GetAsync("/test/clears-headers");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/dossier/été?x=ü", "/dossier/%C3%A9t%C3%A9?x=%C3%BC")]
    [InlineData("/a/😀", "/a/%F0%9F%98%80")]
    [InlineData("/a/%C3%A9", "/a/%C3%A9")]
    [InlineData("/a\u2028/evil", "/home")]     // a line separator is whitespace: refused, not encoded
    [InlineData("/a\u00a0b", "/home")]         // so is a no-break space
    public async Task SignIn_NonAsciiReturnPath_IsPercentEncoded_AndTheSignInSucceeds_WithOneSession(string returnPath, string expected)
    {
        var user = await server.CreateUserAsync("ret-" + Guid.NewGuid().ToString("N")[..8], Password);
        using var client = server.Client();
        var (page, html) = await client.GetAsync("/signin?return=" + Uri.EscapeDataString(returnPath));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"name=\"return\" value=\"{expected}\"", html, StringComparison.Ordinal);

        var (response, _) = await client.SignInAsync(user.UserName, Password, returnPath);
        WebClient.AssertSeeOther(response, expected);
        AssertSecurityHeaders(response);
        Assert.NotNull(client.Session);
        var web = server.Services.GetRequiredService<WebPages>();
        Assert.Equal(user.Id, (await web.Sessions.ValidateAsync(client.Session!, default))!.Id);
        Assert.Single(await web.Sessions.ListAsync(user.Id, default)); // the one in the cookie, no orphan
    }

    [Fact]
    public void LocalPath_EncodesNonAscii_RefusesWhatCouldLeaveTheSite()
    {
        Assert.Equal("/%C3%A9", LocalPath.OrDefault("/é"));
        Assert.Equal(LocalPath.Default, LocalPath.OrDefault("/\ud800x"));            // lone surrogate
        Assert.Equal(LocalPath.Default, LocalPath.OrDefault("/" + new string('é', 700))); // 1401 characters, 4201 encoded
        Assert.Equal(LocalPath.Default, LocalPath.OrDefault("/\u0085x"));            // C1 control
        Assert.Equal(LocalPath.Default, LocalPath.OrDefault("//evil.example"));
        Assert.Equal("/viewer?study=1", LocalPath.OrDefault("/viewer?study=1"));
    }

    /// <summary>A sign-in whose response cannot be sent (here: the headers fail to go out) ends the session it had started.</summary>
    [Fact]
    public async Task SignInCompletion_ThatFails_EndsTheNewSession()
    {
        var user = await server.CreateUserAsync("orphan-" + Guid.NewGuid().ToString("N")[..8], Password);
        var web = server.Services.GetRequiredService<WebPages>();
        var token = await web.SignIn.StartSessionAsync(user, "test", default);
        Assert.NotNull(await web.Sessions.ValidateAsync(token, default));
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseBodyFeature>(new FailingBody());
        var result = await web.CompleteSignInAsync(http, token, "/account");
        await Assert.ThrowsAsync<IOException>(() => result.ExecuteAsync(http));
        Assert.Null(await web.Sessions.ValidateAsync(token, default));
        Assert.Empty(await web.Sessions.ListAsync(user.Id, default));
    }

    private sealed class FailingBody : IHttpResponseBodyFeature
    {
        public Stream Stream => Stream.Null;
        public System.IO.Pipelines.PipeWriter Writer => System.IO.Pipelines.PipeWriter.Create(Stream.Null);
        public void DisableBuffering() { }
        public Task StartAsync(CancellationToken cancellationToken = default) => throw new IOException("connection reset while sending headers");
        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task CompleteAsync() => Task.CompletedTask;
    }
}
