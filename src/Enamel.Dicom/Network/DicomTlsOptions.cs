using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Enamel.Dicom.Network;

/// <summary>DICOM TLS (PS3.15 Annex B): TLS 1.2/1.3, a certificate, and optional peer-certificate checks.</summary>
public sealed class DicomTlsOptions
{
    /// <summary>Our certificate with its private key (server: required; client: for mutual TLS).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Trust anchors for the peer's certificate; null uses the system store.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Server side: require and verify a client certificate (mutual TLS).</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>Client side: the host name expected in the server certificate; null skips the name check
    /// (DICOM peers are often addressed by IP), the chain is still verified.</summary>
    public string? TargetHost { get; init; }

    public SslProtocols Protocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Loads a PEM certificate and key, or a PFX (key null, password optional).</summary>
    public static X509Certificate2 LoadCertificate(string certPath, string? keyPath, string? password = null)
    {
        if (keyPath is not null) return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        return certPath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || certPath.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(certPath)
            : X509CertificateLoader.LoadPkcs12FromFile(certPath, password);
    }

    public static X509Certificate2Collection LoadRoots(string pemPath)
    {
        var c = new X509Certificate2Collection();
        c.ImportFromPemFile(pemPath);
        return c;
    }

    internal bool Verify(X509Certificate? certificate, SslPolicyErrors errors, bool checkName)
    {
        if (certificate is null) return false;
        if (!checkName) errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        if (TrustedRoots is null) return errors == SslPolicyErrors.None;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(TrustedRoots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}
