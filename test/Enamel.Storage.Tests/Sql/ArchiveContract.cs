using Enamel.Core.Audit;
using Enamel.Storage.Blobs;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// What the archive contracts share (the study index, the record history): a temporary folder with a master key, a
/// keyring and a blob store, the database each derived class names (SQLite or a real PostgreSQL), and the archive opened
/// on it.
/// </summary>
public abstract class ArchiveContract : IDisposable
{
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <param name="name">The folder under the system's temporary folder these tests write in (one subfolder per test).</param>
    protected ArchiveContract(string name)
    {
        Root = Path.Combine(Path.GetTempPath(), name, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(Root, "master.key"), TimeProvider.System);
        Keyring = new FileKeyring(Path.Combine(Root, "keys"), master, TimeProvider.System);
        Blobs = new FileSystemBlobStore(Path.Combine(Root, "store"), Keyring);
    }

    protected string Root { get; }
    protected FileKeyring Keyring { get; }
    protected FileSystemBlobStore Blobs { get; }

    protected abstract SqlDialect CreateDialect(string folder);

    /// <summary>Every SQL store of one database, migrated, with <paramref name="defaultClinic"/> for rows written before clinics.</summary>
    protected Task<SqlArchive> OpenArchiveAsync(SqlDialect dialect, string defaultClinic = "main") =>
        SqlArchive.OpenAsync(dialect, Keyring, new AuditCheckpointSigner(new Dictionary<int, byte[]> { [1] = new byte[32] }), TimeProvider.System, defaultClinic, Ct);

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        GC.SuppressFinalize(this);
    }
}
