using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Blobs;
using Enamel.Storage.Blobs;
using Enamel.Storage.Sql.Patients;
using Enamel.Storage.Sql.Records;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Server.Hosting;

/// <summary>
/// The data folder on embedded defaults: index.db (SQLite, WAL), store/ (encrypted blobs), keys/ (wrapped data
/// keys), master.key (owner-only) and tls/server.pfx (self-signed, generated on first start).
/// <para>
/// Its concrete stores are internal: they are composition's business (<see cref="EnamelServices.AddEnamelStorage"/>
/// registers them as Core's ports). Edges — endpoints, DIMSE handlers, pages, CLI commands — ask the container for ports
/// and verbs; <c>test/Enamel.Architecture.Tests</c> fails when one of them uses a type of Enamel.Storage.
/// </para>
/// </summary>
public sealed class DataFolder
{
    private readonly Lazy<X509Certificate2> certificate;

    private DataFolder(string root, MasterKeyFile master, FileKeyring keyring, IBlobStore blobs, SqlStudyIndex index, Lazy<X509Certificate2> certificate,
        SqlSecurityStores security, AuditCheckpointSigner auditSigner, SecretProtector secrets, SqlPatientStore patients, SqlRecordEntryStore entries)
    {
        Patients = patients;
        Entries = entries;
        Security = security;
        AuditSigner = auditSigner;
        Secrets = secrets;
        Root = root;
        Master = master;
        Keyring = keyring;
        Blobs = blobs;
        Index = index;
        this.certificate = certificate;
    }

    public string Root { get; }
    internal MasterKeyFile Master { get; }
    internal FileKeyring Keyring { get; }

    /// <summary>The encrypted blobs: store/ in the folder, or the S3 bucket of <c>Enamel:Blobs</c>.</summary>
    internal IBlobStore Blobs { get; }
    internal SqlStudyIndex Index { get; }

    /// <summary>Patient records (sealed demographics, identifiers, blind indexes), in the same database as the index.</summary>
    internal SqlPatientStore Patients { get; }

    /// <summary>The clinical record's entries (sealed bodies, code tokens), in the same database as the index.</summary>
    internal SqlRecordEntryStore Entries { get; }

    /// <summary>The TLS certificate (loaded, or generated on first use by <c>serve</c>; commands never ask for it).</summary>
    public X509Certificate2 Certificate => certificate.Value;

    /// <summary>Users, sessions, tokens, roles, break-glass grants and the audit trail, in the same database as the index.</summary>
    internal SqlSecurityStores Security { get; }

    /// <summary>Signs and checks audit checkpoints (key derived from the master key).</summary>
    internal AuditCheckpointSigner AuditSigner { get; }

    /// <summary>Seals TOTP secrets (key derived from the master key).</summary>
    internal SecretProtector Secrets { get; }

    /// <summary>
    /// Opens the data folder for <c>enamel serve</c> (or <c>enamel init</c>), creating it on first start: master key,
    /// database schema, TLS certificate. Start-up recovery is not run here: the server runs <see cref="RecoverAsync"/>
    /// before it serves, and only the server.
    /// </summary>
    public static Task<DataFolder> OpenOrCreateAsync(EnamelOptions options, TimeProvider time, CancellationToken ct) => OpenAsync(options, time, create: true, ct);

    /// <summary>
    /// Opens an existing data folder for a command: nothing is created (no folder, key, database or certificate) and no
    /// recovery runs, so a live server's in-flight writes are left alone. A folder that is not an Enamel data folder
    /// raises <see cref="NotADataFolderException"/>.
    /// </summary>
    public static Task<DataFolder> OpenExistingAsync(EnamelOptions options, TimeProvider time, CancellationToken ct) => OpenAsync(options, time, create: false, ct);

    private static async Task<DataFolder> OpenAsync(EnamelOptions options, TimeProvider time, bool create, CancellationToken ct)
    {
        var root = Path.GetFullPath(options.DataDirectory);
        var masterPath = Path.Combine(root, "master.key");
        bool sqlite = options.Database.Equals("sqlite", StringComparison.OrdinalIgnoreCase);
        if (!create)
        {
            if (!Directory.Exists(root)) throw new NotADataFolderException(root, "it does not exist");
            if (!File.Exists(masterPath)) throw new NotADataFolderException(root, "it has no master.key");
            if (sqlite && !File.Exists(Path.Combine(root, "index.db"))) throw new NotADataFolderException(root, "it has no index.db");
            OwnerOnly.Apply(root); // a folder written by an earlier release is tightened once, whichever command opens it first
        }
        else
        {
            Directory.CreateDirectory(root);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            OwnerOnly.Apply(root);
        }
        var master = create ? MasterKeyFile.OpenOrCreate(masterPath, time) : MasterKeyFile.Open(masterPath);
        var keyring = new FileKeyring(Path.Combine(root, "keys"), master, time);
        var blobs = await BlobStoreFor(options.Blobs, root, keyring, create, ct);
        var dialect = options.Database.ToLowerInvariant() switch
        {
            "sqlite" => SqlDialect.Sqlite(Path.Combine(root, "index.db")),
            "postgresql" or "postgres" => SqlDialect.Postgres(options.ConnectionString
                ?? throw new InvalidOperationException("Enamel:ConnectionString is required when Enamel:Database is postgresql")),
            var other => throw new InvalidOperationException($"Enamel:Database '{other}' is not supported: use sqlite or postgresql"),
        };
        var certificatePath = options.CertificatePath ?? Path.Combine(root, "tls", "server.pfx");
        var certificate = new Lazy<X509Certificate2>(() => LoadOrCreateCertificate(certificatePath, time));
        if (create) _ = certificate.Value;
        var masterKeys = master.Versions.ToDictionary(v => v, master.Get);
        var auditSigner = new AuditCheckpointSigner(masterKeys);
        var (index, security, patients, entries) = await SqlArchive.OpenAsync(dialect, keyring, auditSigner, time, options.Clinic, ct);
        return new DataFolder(root, master, keyring, blobs, index, certificate, security, auditSigner, new SecretProtector(masterKeys), patients, entries);
    }

    private static async Task<IBlobStore> BlobStoreFor(BlobOptions blobs, string root, FileKeyring keyring, bool create, CancellationToken ct)
    {
        if (!blobs.IsS3) return new FileSystemBlobStore(Path.Combine(root, "store"), keyring);
        var s3 = new S3BlobStore(new S3BlobStoreOptions
        {
            ServiceUrl = blobs.ServiceUrl!,
            Bucket = blobs.Bucket!,
            AccessKey = blobs.AccessKey!,
            SecretKey = blobs.SecretKey!,
            Region = blobs.Region,
            ForcePathStyle = blobs.ForcePathStyle,
            Prefix = blobs.Prefix,
        }, keyring, Path.Combine(root, "tmp"));
        if (create) await s3.EnsureBucketAsync(ct);
        return s3;
    }

    /// <summary>
    /// Start-up recovery, run by <c>enamel serve</c> only: half-written blobs, and blobs no index row refers to (a crash
    /// between the blob's fsync and the commit), are removed. Blobs and half-written files younger than
    /// <paramref name="grace"/> are left alone: another writer sharing the store may be between those two steps right now.
    /// </summary>
    public async Task<(int Incomplete, int Orphans)> RecoverAsync(CancellationToken ct, TimeSpan? grace = null)
    {
        var cutoff = DateTimeOffset.UtcNow - (grace ?? TimeSpan.FromMinutes(10));
        int incomplete = Blobs is FileSystemBlobStore files ? files.RemoveIncompleteWrites(cutoff) : 0;
        var referenced = await Index.ReferencedBlobIdsAsync(ct);
        int orphans = 0;
        await foreach (var blob in Blobs.ListAsync(ct))
        {
            if (referenced.Contains(blob.Id.Value) || blob.Written > cutoff) continue;
            await Blobs.DeleteAsync(blob.Id, ct);
            orphans++;
        }
        return (incomplete, orphans);
    }

    private static X509Certificate2 LoadOrCreateCertificate(string path, TimeProvider time)
    {
        if (File.Exists(path)) return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Dns.GetHostName()}, O=Enamel self-signed", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Dns.GetHostName());
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        var pfx = cert.Export(X509ContentType.Pfx);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(path, options)) fs.Write(pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }
}
