using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enamel.Core.Tests.Audit;

/// <summary>A throwaway CA and a 127.0.0.1 server certificate it signed, and a client-side validator trusting only that CA.</summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Enamel test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        ServerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", ServerKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        using var signed = request.Create(Ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));
        // Re-import through PKCS#12 so SslStream on Linux can use the private key.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(ServerKey).Export(X509ContentType.Pfx), null);
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    private ECDsa ServerKey { get; }

    public void WritePem(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "ca.pem"), Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "cert.pem"), Server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), ServerKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Accepts exactly the chains that end in the test CA.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, System.Net.Security.SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        using var c = new X509Chain();
        c.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        c.ChainPolicy.CustomTrustStore.Add(Ca);
        c.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return c.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        ServerKey.Dispose();
    }
}
