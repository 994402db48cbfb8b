using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Web;

/// <summary>
/// A real Enamel server on 127.0.0.1 over HTTPS with its generated certificate and no accounts at all (as at first
/// start), for the web pages. <see cref="SignInAttemptsPerWindow"/> is generous here so the rate limit does not
/// interfere; <see cref="TightRateLimitFixture"/> tests the limit itself.
/// </summary>
public class WebServerFixture : IAsyncLifetime
{
    private WebApplication? app;

    protected virtual int SignInAttemptsPerWindow => 10_000;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "enamel-web-tests", Guid.NewGuid().ToString("N"));
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => app!.Services;
    public DataFolder Folder => Services.GetRequiredService<DataFolder>();

    public async Task InitializeAsync() => (app, BaseAddress) = await StartNodeAsync();

    /// <summary>
    /// Another Enamel server over the same data folder (and so the same database and master key), as a second node of a
    /// group behind a load balancer would be. The caller stops and disposes it.
    /// </summary>
    public async Task<(WebApplication App, Uri BaseAddress)> StartNodeAsync(Action<EnamelOptions>? configure = null)
    {
        var node = await EnamelServer.BuildAsync([], o =>
        {
            o.DataDirectory = DataDirectory;
            o.ListenAddress = "127.0.0.1";
            o.HttpsPort = 0;
            o.DicomEnabled = false;
            o.SignInAttemptsPerWindow = SignInAttemptsPerWindow;
            o.SignInWindowSeconds = 60;
            configure?.Invoke(o);
        });
        Map(node);
        await node.StartAsync();
        var address = node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (node, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>A derived fixture's extra endpoints (test-only), mapped before the server starts.</summary>
    protected virtual void Map(WebApplication app) { }

    public UserAccounts Accounts()
    {
        var s = Folder.Security;
        return new UserAccounts(s.Users, s.Roles, new PasswordHasher(), Folder.Secrets, s.Changes, TimeProvider.System);
    }

    /// <summary>A user of clinic "main" who has already chosen <paramref name="password"/> (no forced change).</summary>
    public async Task<User> CreateUserAsync(string userName, string password, params string[] roles)
    {
        var accounts = Accounts();
        var (user, _) = await accounts.CreateAsync(userName, "Dr " + userName, roles.Length == 0 ? [RoleTable.Dentist] : roles, new HashSet<string> { "main" }, "test", default);
        await accounts.SetPasswordAsync(user, password, default);
        return (await Folder.Security.Users.FindByIdAsync(user.Id, default))!;
    }

    /// <summary>A client that trusts exactly this server's certificate, follows no redirects and keeps cookies by hand.</summary>
    public WebClient Client() => new(BaseAddress, Folder.Certificate.Thumbprint);

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Directory.Delete(DataDirectory, recursive: true);
    }
}

/// <summary>The same server with a sign-in limit of 3 attempts a minute per address.</summary>
public sealed class TightRateLimitFixture : WebServerFixture
{
    public const int Limit = 3;
    protected override int SignInAttemptsPerWindow => Limit;
}
