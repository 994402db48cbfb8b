using Microsoft.Extensions.Configuration;

namespace Enamel.Server.Hosting;

/// <summary>
/// Server settings, bound from the "Enamel" section of appsettings.json, ENAMEL__* environment variables and
/// `enamel serve` flags (flags win). Documented in docs/configuration.md.
/// </summary>
public sealed class EnamelOptions
{
    public const string Section = "Enamel";

    /// <summary>The data folder: database, encrypted blobs, keys, TLS certificate.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Address to listen on; all interfaces by default so modalities and viewers on the clinic network reach it.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    public int HttpsPort { get; set; } = 8443;

    /// <summary>DIMSE listener port (0 binds a free port, as tests do; see <see cref="DicomEnabled"/>).</summary>
    public int DicomPort { get; set; } = 11112;

    public bool DicomEnabled { get; set; } = true;

    /// <summary>DICOM TLS (PS3.15 B) is used on the DIMSE port unless plain TCP is explicitly configured here, for modalities without TLS.</summary>
    public bool DicomPlainText { get; set; }

    public string AeTitle { get; set; } = "ENAMEL";

    /// <summary>
    /// The default clinic: patients of a database from before clinics are migrated into it, and `enamel import` and
    /// DIMSE AEs whose user belongs to several clinics create new patients in it unless told otherwise.
    /// </summary>
    public string Clinic { get; set; } = "main";

    /// <summary>Calling AE titles allowed to associate; empty allows any.</summary>
    public string[] AllowedCallingAeTitles { get; set; } = [];

    /// <summary>Calling AE titles and the Enamel account each acts as (deny by default: an unmapped AE may do nothing).</summary>
    public DicomAeOptions[] DicomAes { get; set; } = [];

    /// <summary>C-MOVE destinations by AE title.</summary>
    public DicomPeerOptions[] DicomPeers { get; set; } = [];

    /// <summary>Concurrent DIMSE associations, all calling AEs together.</summary>
    public int MaxAssociations { get; set; } = 64;

    /// <summary>Concurrent associations one calling AE title may hold.</summary>
    public int MaxAssociationsPerCallingAe { get; set; } = 16;

    /// <summary>Concurrent associations one remote IP address may hold, whatever AE titles it calls with.</summary>
    public int MaxAssociationsPerAddress { get; set; } = 32;

    /// <summary>
    /// Concurrent associations all calling AEs not in <see cref="DicomAes"/> together may hold (they can only C-ECHO);
    /// below <see cref="MaxAssociations"/>, so mapped AEs always have the rest. 0: unmapped AEs are rejected at association.
    /// </summary>
    public int MaxUnknownAeAssociations { get; set; } = 4;

    /// <summary>An association on which nothing but C-ECHO has succeeded for this many seconds is released; 0: never.</summary>
    public int EchoOnlyReleaseSeconds { get; set; } = 60;

    /// <summary>"sqlite" (default, in the data folder) or "postgresql".</summary>
    public string Database { get; set; } = "sqlite";

    /// <summary>PostgreSQL connection string when <see cref="Database"/> is "postgresql".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>PFX certificate for HTTPS and DICOM TLS; generated self-signed in the data folder when absent.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Origins allowed by CORS for DICOMweb (e.g. an OHIF viewer's origin). Empty: CORS off.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>
    /// Origins that may also send credentials (cookies) with CORS requests (Access-Control-Allow-Credentials: true); each
    /// is allowed as in <see cref="CorsOrigins"/>. Only origins trusted as much as Enamel's own pages: their scripts act
    /// with the signed-in user's session.
    /// </summary>
    public string[] CorsCredentialOrigins { get; set; } = [];

    /// <summary>How long browsers may cache a CORS preflight answer (Access-Control-Max-Age), in seconds (0..86400).</summary>
    public int CorsMaxAgeSeconds { get; set; } = 600;

    /// <summary>
    /// A SOP Instance UID that arrives again with different bytes is refused (STOW 0x0111, C-STORE 0x0111) unless this
    /// is true: then it becomes the current version and every earlier one is kept.
    /// </summary>
    public bool KeepVersions { get; set; }

    /// <summary>Largest STOW-RS request body accepted, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// Most bytes a deflated object (Deflated Explicit VR Little Endian) may inflate to; beyond it the object is refused
    /// at ingest and cannot be read. Bounds what one deflated object costs in memory (it cannot stay a range of the blob).
    /// </summary>
    public long MaxInflatedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The archive's reading limits from these options: for ingest (serve and import), stored reads and <c>enamel verify</c>.</summary>
    public Enamel.Core.Studies.IngestLimits IngestLimits() => new() { MaxInflatedBytes = MaxInflatedBytes };

    /// <summary>
    /// The server's public base URL (e.g. https://pacs.clinic.example:8443), used to build Retrieve URLs in STOW-RS and
    /// metadata responses. Unset: the address and port the client connected to (never the request's Host header).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Sign-in attempts (password or code checks) allowed per client address (IPv6: per /64) per window; more get 429 with Retry-After.</summary>
    public int SignInAttemptsPerWindow { get; set; } = 10;

    /// <summary>The sign-in rate limit's fixed window, in seconds.</summary>
    public int SignInWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Reverse proxies (addresses or CIDR networks, e.g. "10.0.0.5", "10.0.0.0/24") whose X-Forwarded-For is believed:
    /// the client address then comes from it (audit source, sign-in rate limit). Empty (the default): the header is ignored.
    /// Only the hops these proxies added are used, so a client cannot choose its address by sending the header itself.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Where encrypted blobs are kept: the data folder's store/ (default) or an S3 bucket (<c>Enamel:Blobs:*</c>).</summary>
    public BlobOptions Blobs { get; set; } = new();

    /// <summary>Sessions, lockout and API token lifetimes (<c>Enamel:Accounts:*</c>).</summary>
    public Enamel.Core.Accounts.AccountOptions Accounts { get; set; } = new();

    /// <summary>
    /// The settings every command needs before it opens the data folder (database, blobs, accounts), checked at start:
    /// a bad value stops `serve` and every data-folder command with a message naming the setting.
    /// </summary>
    public void ValidateShared()
    {
        if (!Database.Equals("sqlite", StringComparison.OrdinalIgnoreCase) && !Database.Equals("postgresql", StringComparison.OrdinalIgnoreCase)
            && !Database.Equals("postgres", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Enamel:Database '{Database}' is not supported: use sqlite or postgresql");
        if (!Database.Equals("sqlite", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(ConnectionString))
            throw new InvalidOperationException("Enamel:ConnectionString is required when Enamel:Database is postgresql");
        if (Blobs.Problems().Concat(Accounts.Problems()).FirstOrDefault() is { } problem) throw new InvalidOperationException(problem);
    }

    /// <summary>
    /// The settings every command uses: appsettings.json next to the binary, then Enamel__* environment variables, then
    /// <paramref name="overrides"/> (command-line flags). `serve`, `import`, `keys` and the admin commands agree on the data folder.
    /// </summary>
    public static EnamelOptions Load(Action<EnamelOptions>? overrides = null)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new EnamelOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        overrides?.Invoke(options);
        return options;
    }

    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "enamel");
}

/// <summary>
/// <c>Enamel:Blobs</c>: <see cref="Kind"/> "filesystem" (store/ in the data folder) or "s3" (an S3-compatible bucket:
/// <see cref="ServiceUrl"/>, <see cref="Bucket"/>, <see cref="Region"/>, and the access key from configuration or the
/// environment, e.g. <c>Enamel__Blobs__AccessKey</c> / <c>Enamel__Blobs__SecretKey</c> — never in a file in the repository).
/// </summary>
public sealed class BlobOptions
{
    public const string Section = "Enamel:Blobs";

    public string Kind { get; set; } = "filesystem";
    public string? ServiceUrl { get; set; }
    public string? Bucket { get; set; }
    public string Region { get; set; } = "us-east-1";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (bucket in the path), as most self-hosted S3 servers need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Key prefix of the blobs in the bucket.</summary>
    public string Prefix { get; set; } = "blobs/";

    public bool IsS3 => Kind.Equals("s3", StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with these settings, each naming the setting (never printing a secret).</summary>
    public IEnumerable<string> Problems()
    {
        if (!IsS3 && !Kind.Equals("filesystem", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{Section}:Kind '{Kind}' is not supported: use filesystem or s3";
            yield break;
        }
        if (!IsS3) yield break;
        if (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return $"{Section}:ServiceUrl '{ServiceUrl}' must be an absolute http(s) URL when {Section}:Kind is s3";
        if (string.IsNullOrWhiteSpace(Bucket) || Bucket.Length is < 3 or > 63 || !Bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            yield return $"{Section}:Bucket '{Bucket}' must be an S3 bucket name (3-63 lower-case letters, digits, '-', '.') when {Section}:Kind is s3";
        if (string.IsNullOrWhiteSpace(Region)) yield return $"{Section}:Region must not be empty";
        if (string.IsNullOrEmpty(AccessKey)) yield return $"{Section}:AccessKey is required when {Section}:Kind is s3 (set it in the environment: Enamel__Blobs__AccessKey)";
        if (string.IsNullOrEmpty(SecretKey)) yield return $"{Section}:SecretKey is required when {Section}:Kind is s3 (set it in the environment: Enamel__Blobs__SecretKey)";
    }
}

public sealed class DicomPeerOptions
{
    public string AeTitle { get; set; } = "";
    public string Host { get; set; } = "";
    public int Port { get; set; } = 104;
}

public sealed class DicomAeOptions
{
    public string AeTitle { get; set; } = "";
    /// <summary>The user name (enamel users add) whose roles the AE acts with.</summary>
    public string User { get; set; } = "";
    /// <summary>
    /// The clinic new patients stored by this AE belong to (an existing patient keeps its clinic). Default: the user's
    /// only clinic, else <see cref="EnamelOptions.Clinic"/>. Storing is still decided by the user's roles and clinics.
    /// </summary>
    public string? Clinic { get; set; }
}
