using System.IO.Compression;
using Enamel.Dicom;

namespace Enamel.Core.Imports;

/// <summary>One file to import: a stable name (for the journal and the report) and a way to open it.</summary>
public sealed record ImportItem(string Name, long Size, DateTimeOffset Modified, Func<Stream> Open);

/// <summary>Enumerates what to import from a folder (recursively), a DICOMDIR's referenced files, or a zip archive.</summary>
public static class ImportSource
{
    public static IEnumerable<ImportItem> Enumerate(string path)
    {
        if (Directory.Exists(path))
        {
            var dicomdir = Path.Combine(path, "DICOMDIR");
            return File.Exists(dicomdir) ? FromDicomDir(dicomdir) : FromFolder(path);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist");
        if (Path.GetFileName(path).Equals("DICOMDIR", StringComparison.OrdinalIgnoreCase)) return FromDicomDir(path);
        if (IsZip(path)) return FromZip(path);
        var info = new FileInfo(path);
        return [new ImportItem(Path.GetFileName(path), info.Length, info.LastWriteTimeUtc, () => File.OpenRead(path))];
    }

    private static IEnumerable<ImportItem> FromFolder(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        foreach (var f in Directory.EnumerateFiles(root, "*", options).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(f);
            if (IsZip(f))
            {
                foreach (var inner in FromZip(f)) yield return inner with { Name = Path.GetRelativePath(root, f) + "!" + inner.Name };
                continue;
            }
            yield return new ImportItem(Path.GetRelativePath(root, f), info.Length, info.LastWriteTimeUtc, () => File.OpenRead(f));
        }
    }

    /// <summary>The files a DICOMDIR references (Referenced File ID (0004,1500), components joined as a relative path; PS3.10 8.5).</summary>
    private static IEnumerable<ImportItem> FromDicomDir(string dicomdirPath)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(dicomdirPath))!;
        List<string> referenced;
        using (var dir = DicomFile.Open(dicomdirPath))
        {
            referenced = (dir.Dataset.GetSequence(DicomTags.DirectoryRecordSequence)?.Items ?? [])
                .Select(r => r.GetStrings(DicomTags.ReferencedFileID))
                .Where(parts => parts.Length > 0)
                .Select(parts => Path.Combine([root, .. parts.Select(p => p.Trim())]))
                .Distinct(StringComparer.Ordinal)
                .ToList();
        }
        foreach (var file in referenced)
        {
            var resolved = ResolveCaseInsensitive(file) ?? file;
            var name = Path.GetRelativePath(root, resolved);
            if (!File.Exists(resolved))
            {
                yield return new ImportItem(name, 0, DateTimeOffset.MinValue, () => throw new FileNotFoundException($"the DICOMDIR references {name}, which is missing"));
                continue;
            }
            var info = new FileInfo(resolved);
            yield return new ImportItem(name, info.Length, info.LastWriteTimeUtc, () => File.OpenRead(resolved));
        }
    }

    /// <summary>Media written on Windows often differ in case from the IDs in the DICOMDIR.</summary>
    private static string? ResolveCaseInsensitive(string path)
    {
        if (File.Exists(path)) return path;
        var dir = Path.GetDirectoryName(path);
        if (dir is null) return null;
        var parent = Directory.Exists(dir) ? dir : ResolveCaseInsensitiveDir(dir);
        if (parent is null) return null;
        var name = Path.GetFileName(path);
        return Directory.EnumerateFiles(parent).FirstOrDefault(f => Path.GetFileName(f).Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static string? ResolveCaseInsensitiveDir(string dir)
    {
        if (Directory.Exists(dir)) return dir;
        var parent = Path.GetDirectoryName(dir);
        if (parent is null) return null;
        var resolvedParent = ResolveCaseInsensitiveDir(parent);
        if (resolvedParent is null) return null;
        var name = Path.GetFileName(dir);
        return Directory.EnumerateDirectories(resolvedParent).FirstOrDefault(d => Path.GetFileName(d).Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<ImportItem> FromZip(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var entries = zip.Entries.Where(e => e.Length > 0 && !e.FullName.EndsWith('/')).Select(e => (e.FullName, e.Length, e.LastWriteTime)).ToList();
        foreach (var (name, length, modified) in entries)
        {
            yield return new ImportItem(name, length, modified, () =>
            {
                // Each entry opens its own archive handle so items can be processed independently.
                var archive = ZipFile.OpenRead(zipPath);
                var entry = archive.GetEntry(name) ?? throw new FileNotFoundException($"{name} vanished from {zipPath}");
                return new OwningStream(entry.Open(), archive);
            });
        }
    }

    private static bool IsZip(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> sig = stackalloc byte[4];
            return f.Read(sig) == 4 && sig.SequenceEqual("PK\u0003\u0004"u8);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private sealed class OwningStream(Stream inner, IDisposable owner) : ForwardOnlyReadStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); owner.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
