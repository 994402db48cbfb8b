namespace Enamel.Cli.Tests.Keys;

public sealed class KeysCommandTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task Rotate_AfterImport_RewrapsKeys_DataStillReadable()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "importer", "dentist");
        var import = Enamel.Run("import", Enamel.Sample("CT_small.dcm"), "--data", data, "--as", "importer", "--report", Path.Combine(dir, "r.tsv"));
        Assert.True(import.ExitCode == 0, import.StdErr + import.StdOut);
        var blobsBefore = Directory.GetFiles(Path.Combine(data, "store", "blobs"), "*.enb", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();

        var user = Enamel.Run("users", "add", "hygienist1", "--role", "hygienist", "--data", data);
        Assert.True(user.ExitCode == 0, user.StdErr);

        var rotate = Enamel.Run("keys", "rotate", "--data", data);
        Assert.True(rotate.ExitCode == 0, rotate.StdErr);
        // The imported patient's key and the vault's blind index key.
        Assert.Contains("2 data key(s) re-wrapped", rotate.StdOut);
        // Audit checkpoints were re-signed under the new version: the chain still verifies with the old version gone.
        var verify = Enamel.Run("audit", "verify", "--data", data);
        Assert.True(verify.ExitCode == 0, verify.StdOut + verify.StdErr);
        Assert.Contains("version 1 -> 2", rotate.StdOut);
        var trail = Enamel.Run("audit", "export", "--format", "atna", "--data", data);
        Assert.True(trail.ExitCode == 0, trail.StdErr);
        Assert.Contains("KeyRotate", trail.StdOut);

        var blobsAfter = Directory.GetFiles(Path.Combine(data, "store", "blobs"), "*.enb", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        Assert.Equal(blobsBefore.Count, blobsAfter.Count);
        for (int i = 0; i < blobsBefore.Count; i++) Assert.Equal(blobsBefore[i], blobsAfter[i]);
        // The blob decrypts under the re-wrapped key to the original bytes.
        var folder = await global::Enamel.Server.Hosting.DataFolder.OpenOrCreateAsync(new global::Enamel.Server.Hosting.EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var uid = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        var stored = await folder.Index.FindInstanceAsync(uid, default);
        Assert.NotNull(stored);
        await using var s = await folder.Blobs.OpenReadAsync(stored.Blob.Id, default);
        var back = new MemoryStream();
        await s.CopyToAsync(back);
        Assert.Equal(File.ReadAllBytes(Enamel.Sample("CT_small.dcm")), back.ToArray());
    }

    [Fact]
    public void Rotate_NotADataFolder_ExitsNotADataFolder_CreatesNothing()
    {
        var r = Enamel.Run("keys", "rotate", "--data", Path.Combine(dir, "nothing-here"));
        Assert.Equal(ExitCodes.NotADataFolder, r.ExitCode);
        Assert.StartsWith("E: ", r.StdErr);
        Assert.False(Directory.Exists(Path.Combine(dir, "nothing-here")));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

public sealed class ConfigurationTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public void DataFolderFromEnvironment_IsUsedWithoutFlag()
    {
        var data = Path.Combine(dir, "from-env");
        (int Code, string Out, string Err) UsersList()
        {
            var psi = Enamel.StartInfo("users", "list");
            psi.Environment["Enamel__DataDirectory"] = data;
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result, stderr);
        }
        // Not created yet: the command names exactly that folder (and creates nothing).
        var missing = UsersList();
        Assert.Equal(ExitCodes.NotADataFolder, missing.Code);
        Assert.Contains(data, missing.Err);
        Assert.False(Directory.Exists(data));
        Enamel.Init(data);
        var listed = UsersList();
        Assert.True(listed.Code == 0, listed.Err + listed.Out);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
