namespace Enamel.Dicom.Network;

/// <summary>
/// Where a received C-STORE data set waits, as a Part 10 file, until its handler has taken it. The default,
/// <see cref="PlainDicomSpool"/>, writes ordinary files (a handler may move them away, as `enamel dicom scp` does); an
/// archive supplies one that encrypts, so a received object never rests on disk in the clear.
/// </summary>
public interface IDicomSpool
{
    /// <summary>A new file at <paramref name="path"/> (which does not exist yet), open for writing.</summary>
    Stream Create(string path);

    /// <summary>The file's content as written, for reading from the start (more than once: the engine checks the UIDs first).</summary>
    Stream OpenRead(string path);

    /// <summary>Removes what <see cref="Create"/> made at <paramref name="path"/>, if anything is left (the handler may have moved a plain file away).</summary>
    void Delete(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }
}

/// <summary>Plain files: the bytes on disk are the Part 10 file.</summary>
public sealed class PlainDicomSpool : IDicomSpool
{
    public static PlainDicomSpool Instance { get; } = new();

    public Stream Create(string path) => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None);

    public Stream OpenRead(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
}
