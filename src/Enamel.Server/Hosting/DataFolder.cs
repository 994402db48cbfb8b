using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Storage.Blobs;
using Enamel.Storage.Sql.Patients;
using Enamel.Storage.Keys;
using Enamel.Storage.Sql;

namespace Enamel.Server.Hosting;

/// <summary>
/// The data folder on embedded defaults: index.db (SQLite, WAL), store/ (encrypted blobs), keys/ (wrapped data
/// keys), master.key (owner-only) and tls/server.pfx (self-signed, generated on first start).
/// </summary>
public sealed class DataFolder
{
    private DataFolder(string root, MasterKeyFile master, FileKeyring keyring, FileSystemBlobStore blobs, SqlStudyIndex index, X509Certificate2 certificate,
        SqlSecurityStores security, AuditCheckpointSigner auditSigner, SecretProtector secrets, SqlPatientStore patients)
    {
        Patients = patients;
        Security = security;
        AuditSigner = auditSigner;
        Secrets = secrets;
        Root = root;
        Master = master;
        Keyring = keyring;
        Blobs = blobs;
        Index = index;
        Certificate = certificate;
    }

    public string Root { get; }
    public MasterKeyFile Master { get; }
    public FileKeyring Keyring { get; }
    public FileSystemBlobStore Blobs { get; }
    public SqlStudyIndex Index { get; }

    /// <summary>Patient records (sealed demographics, identifiers, blind indexes), in the same database as the index.</summary>
    public SqlPatientStore Patients { get; }
    public X509Certificate2 Certificate { get; }

    /// <summary>Users, sessions, tokens, roles, break-glass grants and the audit trail, in the same database as the index.</summary>
    public SqlSecurityStores Security { get; }

    /// <summary>Signs and checks audit checkpoints (key derived from the master key).</summary>
    public AuditCheckpointSigner AuditSigner { get; }

    /// <summary>Seals TOTP secrets (key derived from the master key).</summary>
    public SecretProtector Secrets { get; }

    public static async Task<DataFolder> OpenAsync(EnamelOptions options, TimeProvider time, CancellationToken ct)
    {
        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        OwnerOnly.Apply(root);
        var master = MasterKeyFile.OpenOrCreate(Path.Combine(root, "master.key"), time);
        var keyring = new FileKeyring(Path.Combine(root, "keys"), master, time);
        var blobs = new FileSystemBlobStore(Path.Combine(root, "store"), keyring);
        var dialect = options.Database.ToLowerInvariant() switch
        {
            "sqlite" => SqlDialect.Sqlite(Path.Combine(root, "index.db")),
            "postgresql" or "postgres" => SqlDialect.Postgres(options.ConnectionString
                ?? throw new InvalidOperationException("Enamel:ConnectionString is required when Enamel:Database is postgresql")),
            var other => throw new InvalidOperationException($"Enamel:Database '{other}' is not supported: use sqlite or postgresql"),
        };
        var certificate = LoadOrCreateCertificate(options.CertificatePath ?? Path.Combine(root, "tls", "server.pfx"), time);
        var masterKeys = master.Versions.ToDictionary(v => v, master.Get);
        var auditSigner = new AuditCheckpointSigner(masterKeys);
        var (index, security, patients) = await SqlArchive.OpenAsync(dialect, keyring, auditSigner, time, options.Clinic, ct);
        var folder = new DataFolder(root, master, keyring, blobs, index, certificate, security, auditSigner, new SecretProtector(masterKeys), patients);
        await folder.RecoverAsync(ct);
        return folder;
    }

    /// <summary>
    /// Start-up recovery: half-written blobs, and blobs no index row refers to (a crash between the blob's fsync and
    /// the commit), are removed. Blobs younger than <paramref name="grace"/> are left alone: another node sharing the
    /// store may be between those two steps right now.
    /// </summary>
    public async Task<(int Incomplete, int Orphans)> RecoverAsync(CancellationToken ct, TimeSpan? grace = null)
    {
        int incomplete = Blobs.RemoveIncompleteWrites();
        var referenced = await Index.ReferencedBlobIdsAsync(ct);
        var cutoff = DateTimeOffset.UtcNow - (grace ?? TimeSpan.FromMinutes(10));
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
