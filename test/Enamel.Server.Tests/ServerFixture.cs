using System.Net.Http.Headers;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests;

/// <summary>A real Enamel server on 127.0.0.1 (free port, HTTPS with its generated certificate) over a temp data folder.</summary>
public class ServerFixture : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>Where the test's storescp listens as the C-MOVE destination MOVEDEST.</summary>
    public int MoveDestinationPort { get; } = Peers.FreePort();

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "enamel-server-tests", Guid.NewGuid().ToString("N"));
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public int DicomPort { get; private set; }
    public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; private set; } = null!;

    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "samples", name);

    public async Task InitializeAsync()
    {
        app = await EnamelServer.BuildAsync([], o =>
        {
            o.DataDirectory = DataDirectory;
            o.ListenAddress = "127.0.0.1";
            o.HttpsPort = 0;
            o.DicomPort = 0;
            o.DicomPlainText = true;
            o.DicomPeers = [new DicomPeerOptions { AeTitle = "MOVEDEST", Host = "127.0.0.1", Port = MoveDestinationPort }];
            // dcmtk's default calling AE titles act as a dentist account; FRONTDESK as a receptionist; anything else is unmapped.
            o.DicomAes = [.. new[] { "MODALITY", "FINDSCU", "GETSCU", "MOVESCU" }.Select(ae => new DicomAeOptions { AeTitle = ae, User = "dimse-dentist" }),
                new DicomAeOptions { AeTitle = "FRONTDESK", User = "dimse-reception" },
                // One AE per built-in role for the role × DIMSE service matrix.
                .. Enamel.Core.Access.RoleTable.BuiltIn.Keys.Select(r => new DicomAeOptions { AeTitle = RoleAe(r), User = RoleAeUser(r) })];
            Configure(o);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        Certificate = app.Services.GetRequiredService<DataFolder>().Certificate;
        DicomPort = app.Services.GetRequiredService<Enamel.Server.Dimse.DimseService>().Port ?? 0;
        var handler = new HttpClientHandler
        {
            // The server's certificate is the one it generated in its data folder: trust exactly that one.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                cert is not null && cert.Thumbprint == app.Services.GetRequiredService<DataFolder>().Certificate.Thumbprint,
        };
        Client = new HttpClient(handler) { BaseAddress = BaseAddress };
        Token = await CreateTokenAsync("dentist", "dr-test", ["Imaging:Read", "Imaging:Create"]);
        await CreateTokenAsync("dentist", "dimse-dentist", ["Imaging:Read"]);
        await CreateTokenAsync("receptionist", "dimse-reception", ["Demographics:Read"]);
        foreach (var role in Enamel.Core.Access.RoleTable.BuiltIn.Keys) await CreateTokenAsync(role, RoleAeUser(role), ["Imaging:Read"]);
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The calling AE title that acts as the account of one built-in role (see <see cref="RoleAeUser"/>).</summary>
    public static string RoleAe(string role) => "ROLE-" + role.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant()[..Math.Min(11, role.Replace("-", "", StringComparison.Ordinal).Length)];

    public static string RoleAeUser(string role) => "dimse-role-" + role;

    /// <summary>A derived fixture's own settings (e.g. more AE mappings), applied after the defaults above.</summary>
    protected virtual void Configure(EnamelOptions options) { }

    /// <summary>The API token the default client sends (a dentist of clinic "main").</summary>
    public string Token { get; private set; } = "";

    public DataFolder Folder => app!.Services.GetRequiredService<DataFolder>();
    public IServiceProvider Services => app!.Services;

    /// <summary>Creates a user with one role in <paramref name="clinic"/> and an API token for it.</summary>
    public async Task<string> CreateTokenAsync(string role, string userName, string[] scope, string clinic = "main")
    {
        var s = Folder.Security;
        var accounts = new Enamel.Core.Accounts.UserAccounts(s.Users, s.Roles, new Enamel.Core.Accounts.PasswordHasher(), Folder.Secrets, s.Changes, TimeProvider.System);
        var (user, _) = await accounts.CreateAsync(userName, userName, [role], new HashSet<string> { clinic }, "test", default);
        var tokens = app!.Services.GetRequiredService<Enamel.Core.Accounts.ApiTokens>();
        var (secret, _) = await tokens.CreateAsync(user, "test", scope.Select(Enamel.Core.Access.Operation.Parse).ToHashSet(), TimeSpan.FromDays(1), default);
        return secret;
    }

    /// <summary>A client that trusts the server's certificate but sends no credentials.</summary>
    public HttpClient AnonymousClient()
    {
        var cert = Certificate;
        return new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.Thumbprint == cert.Thumbprint })
        { BaseAddress = BaseAddress };
    }

    public async Task<HttpResponseMessage> StowAsync(params string[] files)
    {
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var f in files)
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(f));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }
        return await Client.PostAsync("/dicom-web/studies", content);
    }

    public virtual async Task DisposeAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Directory.Delete(DataDirectory, recursive: true);
    }
}
