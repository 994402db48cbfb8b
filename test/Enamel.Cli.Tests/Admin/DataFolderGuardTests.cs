using Enamel.Cli.Tests.Serve;

namespace Enamel.Cli.Tests.Admin;

/// <summary>
/// Only `serve` and `init` create a data folder; every other command refuses a folder that is not one (exit 7), creating
/// nothing. And a command run beside a live server never runs the server's start-up recovery (issue 10).
/// </summary>
public sealed class DataFolderGuardTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public void AuditVerify_MistypedPath_RefusesWithExit7_AndCreatesNothing()
    {
        var mistyped = Path.Combine(dir, "mistyped", "path");
        var r = Enamel.Run("audit", "verify", "--data", mistyped);
        Assert.Equal(ExitCodes.NotADataFolder, r.ExitCode);
        Assert.Contains("is not an Enamel data folder", r.StdErr);
        Assert.DoesNotContain("intact", r.StdOut);
        Assert.False(Directory.Exists(Path.Combine(dir, "mistyped")));
    }

    [Theory]
    [InlineData("users", "list")]
    [InlineData("roles", "list")]
    [InlineData("verify")]
    [InlineData("keys", "rotate")]
    public void Command_EmptyFolder_RefusesWithExit7_AndLeavesItEmpty(params string[] command)
    {
        var empty = Path.Combine(dir, "empty");
        Directory.CreateDirectory(empty);
        var r = Enamel.Run([.. command, "--data", empty]);
        Assert.Equal(ExitCodes.NotADataFolder, r.ExitCode);
        Assert.StartsWith("E: ", r.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public void Command_FolderWithoutDatabase_RefusesWithExit7()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        File.Delete(Path.Combine(data, "index.db"));
        var r = Enamel.Run("users", "list", "--data", data);
        Assert.Equal(ExitCodes.NotADataFolder, r.ExitCode);
        Assert.Contains("index.db", r.StdErr);
        Assert.False(File.Exists(Path.Combine(data, "index.db")));
    }

    [Fact]
    public void Init_CreatesTheFolder_ThenCommandsWork()
    {
        var data = Path.Combine(dir, "data");
        var init = Enamel.Run("init", "--data", data);
        Assert.True(init.ExitCode == 0, init.StdErr);
        Assert.True(File.Exists(Path.Combine(data, "master.key")));
        Assert.True(File.Exists(Path.Combine(data, "index.db")));
        var verify = Enamel.Run("audit", "verify", "--data", data);
        Assert.True(verify.ExitCode == 0, verify.StdErr);
        var again = Enamel.Run("init", "--data", data);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already", again.StdOut);
    }

    [Fact]
    public async Task Command_BesideLiveServer_LeavesItsInFlightWrites_ServeRecoversOldOnes()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        var tmp = Path.Combine(data, "store", "tmp");
        Directory.CreateDirectory(tmp);
        // Left by a crash long ago: serve's start-up recovery removes it.
        var stale = Path.Combine(tmp, new string('a', 32) + ".part");
        File.WriteAllBytes(stale, [1, 2, 3]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        using var server = ServeProcess.Start(data);
        await server.WaitUntilListeningAsync();
        Assert.False(File.Exists(stale), "serve's start-up recovery removes a half-written blob from a crash");

        // A blob the live server is writing right now (tmp → fsync → rename): no command may remove it.
        var inFlight = Path.Combine(tmp, new string('b', 32) + ".part");
        File.WriteAllBytes(inFlight, [4, 5, 6]);
        foreach (var command in new[] { new[] { "users", "list" }, ["verify"], ["audit", "verify"] })
        {
            var r = Enamel.Run([.. command, "--data", data]);
            Assert.True(r.ExitCode == 0, $"{string.Join(' ', command)}: {r.StdErr}");
            Assert.True(File.Exists(inFlight), $"'enamel {string.Join(' ', command)}' removed the live server's in-flight write");
        }
        await server.KillAsync();
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
