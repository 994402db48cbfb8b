using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Enamel.Storage.Keys;

/// <summary>
/// The master key file: every master key version (the newest wraps new data keys; older ones still unwrap
/// until rotation re-wraps everything). Created with owner-only permissions; refused if others can read it.
/// </summary>
public sealed class MasterKeyFile
{
    private readonly SortedDictionary<int, byte[]> keys;

    private MasterKeyFile(string path, SortedDictionary<int, byte[]> keys)
    {
        Path = path;
        this.keys = keys;
    }

    public string Path { get; }
    public int CurrentVersion => keys.Keys.Max();

    public byte[] Get(int version) => keys.TryGetValue(version, out var k)
        ? k : throw new CryptographicException($"master key version {version} is not in {Path}");

    public byte[] Current => keys[CurrentVersion];
    public IReadOnlyCollection<int> Versions => keys.Keys;

    public static MasterKeyFile OpenOrCreate(string path, TimeProvider time)
    {
        if (File.Exists(path)) return Open(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var file = new MasterKeyFile(path, new SortedDictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) });
        file.Save(time);
        return file;
    }

    public static MasterKeyFile Open(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
                throw new CryptographicException($"{path} is readable by other users ({mode}); run chmod 600 on it");
        }
        var model = JsonSerializer.Deserialize(File.ReadAllText(path), KeyFileJson.Default.KeyFileModel)
            ?? throw new CryptographicException($"{path} is not a master key file");
        if (model.Format != 1 || model.Keys.Count == 0) throw new CryptographicException($"{path}: unsupported key file format");
        var keys = new SortedDictionary<int, byte[]>();
        foreach (var k in model.Keys)
        {
            var bytes = Convert.FromBase64String(k.Key);
            if (bytes.Length != 32) throw new CryptographicException($"{path}: master key version {k.Version} is not 256 bits");
            keys[k.Version] = bytes;
        }
        return new MasterKeyFile(path, keys);
    }

    /// <summary>Adds a new master key version; callers then re-wrap data keys and <see cref="Retire"/> the old versions.</summary>
    public int AddVersion(TimeProvider time)
    {
        int v = CurrentVersion + 1;
        keys[v] = RandomNumberGenerator.GetBytes(32);
        Save(time);
        return v;
    }

    /// <summary>Removes every version older than the current one (after rotation re-wrapped all data keys).</summary>
    public void Retire(TimeProvider time)
    {
        foreach (var v in keys.Keys.Where(v => v != CurrentVersion).ToList())
        {
            CryptographicOperations.ZeroMemory(keys[v]);
            keys.Remove(v);
        }
        Save(time);
    }

    /// <summary>
    /// Replaces the file crash-safely: the new content is written beside it (owner-only), fsynced, renamed over it, and the
    /// folder fsynced, so after a crash the file is either the old one or the new one, whole — and once this returns, the
    /// new one (the rename is durable before anything is wrapped under a new version).
    /// </summary>
    private void Save(TimeProvider time)
    {
        var model = new KeyFileModel
        {
            Format = 1,
            Keys = keys.Select(k => new KeyVersionModel { Version = k.Key, Key = Convert.ToBase64String(k.Value), Saved = time.GetUtcNow() }).ToList(),
        };
        var tmp = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(tmp, options))
        {
            JsonSerializer.Serialize(fs, model, KeyFileJson.Default.KeyFileModel);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, Path, overwrite: true);
        Blobs.DirectorySync.Fsync(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
    }
}

internal sealed class KeyFileModel
{
    public int Format { get; set; }
    public List<KeyVersionModel> Keys { get; set; } = [];
}

internal sealed class KeyVersionModel
{
    public int Version { get; set; }
    public string Key { get; set; } = "";
    public DateTimeOffset Saved { get; set; }
}

[JsonSerializable(typeof(KeyFileModel))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class KeyFileJson : JsonSerializerContext;
