using System.Runtime.InteropServices;

namespace Enamel.Server.Hosting;

/// <summary>
/// Every file of the data folder is owner-only (0600, folders 0700): the process's umask is set to 077 before the
/// folder is opened, so whatever SQLite, the blob store or an import creates (index.db, its WAL and SHM, blobs,
/// journals) starts owner-only; a folder written by an earlier release is tightened once (recorded by a marker file).
/// </summary>
internal static class OwnerOnly
{
    private const string Marker = ".owner-only-v1";
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);

    public static void Apply(string root)
    {
        if (OperatingSystem.IsWindows()) return;
        SetUmask(0x3F); // 077
        if (File.Exists(Path.Combine(root, Marker))) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            try
            {
                var mode = File.GetUnixFileMode(entry);
                if ((mode & GroupOrOther) != 0) File.SetUnixFileMode(entry, mode & ~GroupOrOther);
            }
            catch (IOException) { } // removed meanwhile (a live server's temporary file)
        }
        File.WriteAllText(Path.Combine(root, Marker), "every file of this folder was made owner-only\n");
    }
}
