using Enamel.Core.Accounts;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Hosting;

/// <summary>Settings per feature, bound from configuration and checked at start: a bad value stops start naming the setting, before any data folder exists.</summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "enamel-options-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("--Enamel:Accounts:SessionIdleTimeout=00:00:00", "Enamel:Accounts:SessionIdleTimeout")]
    [InlineData("--Enamel:Accounts:SessionAbsoluteTimeout=00:05:00", "Enamel:Accounts:SessionAbsoluteTimeout")]
    [InlineData("--Enamel:Accounts:FreeAttempts=0", "Enamel:Accounts:FreeAttempts")]
    [InlineData("--Enamel:Accounts:MaxLockout=00:00:01", "Enamel:Accounts:MaxLockout")]
    [InlineData("--Enamel:Blobs:Kind=ftp", "Enamel:Blobs:Kind")]
    [InlineData("--Enamel:Blobs:Kind=s3", "Enamel:Blobs:ServiceUrl")]
    [InlineData("--Enamel:Database=oracle", "Enamel:Database")]
    public async Task Build_BadSetting_StopsNamingIt_CreatesNoDataFolder(string setting, string named)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => EnamelServer.BuildAsync([setting, "--Enamel:DataDirectory=" + data]));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Build_AccountSettings_ReachTheAccountServices()
    {
        await using var app = await EnamelServer.BuildAsync(["--Enamel:DataDirectory=" + data, "--Enamel:Accounts:SessionIdleTimeout=00:05:00",
            "--Enamel:Accounts:FreeAttempts=3", "--Enamel:HttpsPort=0", "--Enamel:DicomEnabled=false"]);
        var options = app.Services.GetRequiredService<AccountOptions>();
        Assert.Equal(TimeSpan.FromMinutes(5), options.SessionIdleTimeout);
        Assert.Equal(3, options.FreeAttempts);
        Assert.Equal(TimeSpan.FromHours(12), options.SessionAbsoluteTimeout); // unset: the default
        Assert.Same(options, app.Services.GetRequiredService<EnamelOptions>().Accounts);
    }

    public void Dispose()
    {
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
    }
}
