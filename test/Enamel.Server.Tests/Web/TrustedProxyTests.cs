using Enamel.Core.Audit;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// Behind a reverse proxy: X-Forwarded-For is believed only from `Enamel:TrustedProxies`, and then only the hops those
/// proxies added, so the audit trail records the real client and a client cannot pick its own address.
/// </summary>
public sealed class TrustedProxyTests(WebServerFixture server) : IClassFixture<WebServerFixture>
{
    private async Task<string> FailedSignInSourceAsync(Uri address, string forwardedFor)
    {
        var userName = "proxy-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateUserAsync(userName, "a long enough password");
        using var client = new WebClient(address, server.Folder.Certificate.Thumbprint);
        var (_, page) = await client.GetAsync("/signin");
        await client.PostAsync("/signin", [new("csrf", WebClient.CsrfToken(page)), new("username", userName), new("password", "wrong password"), new("return", "/account")],
            r => r.Headers.Add("X-Forwarded-For", forwardedFor));
        var user = (await server.Folder.Security.Users.FindByNameAsync(userName, default))!;
        var login = await server.Folder.Security.Audit.QueryAsync(new AuditQuery { ActorId = user.Id, Action = "Login" }, default);
        return Assert.Single(login).Event.Source;
    }

    [Fact]
    public async Task ForwardedFor_IsBelievedOnlyFromTrustedProxies_AndOnlyForTheirHops()
    {
        // No trusted proxy (the default): the header is ignored.
        Assert.Equal("127.0.0.1", await FailedSignInSourceAsync(server.BaseAddress, "203.0.113.7"));

        var (node, address) = await server.StartNodeAsync(o => o.TrustedProxies = ["127.0.0.1"]);
        try
        {
            Assert.Equal("203.0.113.7", await FailedSignInSourceAsync(address, "203.0.113.7"));
            // The client wrote "198.51.100.1" itself; the proxy appended the address it saw: that one counts.
            Assert.Equal("203.0.113.9", await FailedSignInSourceAsync(address, "198.51.100.1, 203.0.113.9"));
        }
        finally
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }

        var bad = await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartNodeAsync(o => o.TrustedProxies = ["proxy.example"]));
        Assert.Contains("TrustedProxies", bad.Message, StringComparison.Ordinal);
    }
}
