using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Server.Hosting;
using Enamel.TestShared;

namespace Enamel.Cli.Tests.Verify;

/// <summary>
/// `enamel verify` lists stored objects that cannot be read (as an earlier release could acknowledge them), and the
/// data folder is owner-only throughout (issue 11).
/// </summary>
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    /// <summary>Indexes a corrupt object directly, as a release without the ingest check did.</summary>
    private static async Task<string> PlantCorruptAsync(string data)
    {
        var corrupt = ProbeObjects.CorruptVariants(File.ReadAllBytes(Enamel.Sample("MR_small.dcm")))["pixel-data-shorter-than-the-image"];
        var folder = await DataFolder.OpenOrCreateAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        return (await PlantedObjects.PlantAsync(folder.Blobs, folder.Keyring, folder.Index, folder.Patients, corrupt)).SopInstanceUid;
    }

    [Fact]
    public async Task Verify_ListsTheUnreadableInstance_AndExits3()
    {
        var data = Path.Combine(dir, "data");
        Enamel.ImportSample(data, dir, "CT_small.dcm", asUser: Admin(data), clinic: "main");
        var sop = await PlantCorruptAsync(data);

        var r = Enamel.Run("verify", "--data", data);
        Assert.Equal(ExitCodes.Invalid, r.ExitCode);
        var unreadable = Assert.Single(r.StdOut.Split('\n'), l => l.StartsWith("UNREADABLE", StringComparison.Ordinal));
        Assert.Contains(sop, unreadable);
        Assert.Contains("Pixel Data holds 1000 bytes", unreadable);
        Assert.Contains("checked 2 instances: 1 unreadable", r.StdOut);
    }

    [Fact]
    public void Verify_SoundArchive_Exits0()
    {
        var data = Path.Combine(dir, "data");
        Enamel.ImportSample(data, dir, "CT_small.dcm", asUser: Admin(data), clinic: "main");
        var r = Enamel.Run("verify", "--data", data);
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        Assert.Contains("checked 1 instances: 0 unreadable", r.StdOut);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void DataFolder_EveryFileIsOwnerOnly_IncludingTheIndexAndItsWal()
    {
        var data = Path.Combine(dir, "data");
        Enamel.ImportSample(data, dir, "CT_small.dcm", asUser: Admin(data), clinic: "main");
        var loose = Path.Combine(data, "from-an-older-release.txt");
        File.WriteAllText(loose, "x");
        File.SetUnixFileMode(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Delete(Path.Combine(data, ".owner-only-v1")); // as a folder written before this release
        Assert.Equal(0, Enamel.Run("verify", "--data", data).ExitCode);

        var entries = Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories);
        Assert.Contains(entries, e => e.EndsWith("index.db", StringComparison.Ordinal));
        const UnixFileMode groupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var open = entries.Where(e => (File.GetUnixFileMode(e) & groupOrOther) != 0).ToList();
        Assert.True(open.Count == 0, "readable by group or others: " + string.Join(", ", open.Select(e => Path.GetRelativePath(data, e))));
    }

    private static string Admin(string data)
    {
        Enamel.AddUser(data, "dr-verify", "dentist");
        return "dr-verify";
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
