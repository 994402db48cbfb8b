using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>DICOM TLS (PS3.15 Annex B) with self-signed certificates made in the test and exported as PEM for dcmtk.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A self-signed certificate for 127.0.0.1/localhost, written as cert and key PEM files.</summary>
    private (X509Certificate2 Cert, string CertPem, string KeyPem) MakeCertificate(string name)
    {
        using var rsa = RSA.Create(2048);
        var req = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, false));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPem = Path.Combine(dir, name + ".crt.pem");
        var keyPem = Path.Combine(dir, name + ".key.pem");
        File.WriteAllText(certPem, cert.ExportCertificatePem());
        File.WriteAllText(keyPem, rsa.ExportPkcs8PrivateKeyPem());
        return (X509Certificate2.CreateFromPemFile(certPem, keyPem), certPem, keyPem);
    }

    [Fact]
    public async Task StoreScuTls_MutualTls_StoredElementForElement()
    {
        var server = MakeCertificate("scp");
        var client = MakeCertificate("scu");
        var store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        await using var scp = DicomListener.Start(new DicomListenerOptions
        {
            AeTitle = "TLS-SCP",
            StoreHandler = store,
            TempDirectory = Path.Combine(dir, "tmp"),
            Tls = new DicomTlsOptions { Certificate = server.Cert, RequireClientCertificate = true, TrustedRoots = [X509CertificateLoader.LoadCertificate(client.Cert.RawData)] },
        });
        var files = new[] { "CT_small.dcm", "MR_small.dcm" }.Select(TestFiles.Sample).ToList();
        var (exit, output) = Dcmtk.Run("storescu", ["+tls", client.KeyPem, client.CertPem, "+cf", server.CertPem, "-aec", "TLS-SCP", "127.0.0.1", scp.Port.ToString(), .. files]);
        Assert.True(exit == 0, output);
        foreach (var f in files) DcmtkScuTests.AssertStored(f, Path.Combine(dir, "in"));
    }

    [Fact]
    public async Task PlainClient_AgainstTlsScp_Fails()
    {
        var server = MakeCertificate("scp");
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "TLS-SCP", TempDirectory = Path.Combine(dir, "tmp"), Tls = new DicomTlsOptions { Certificate = server.Cert } });
        var (exit, _) = Dcmtk.Run("echoscu", ["-aec", "TLS-SCP", "-to", "5", "127.0.0.1", scp.Port.ToString()]);
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public async Task OurScuTls_ToStoreScpTls_Succeeds()
    {
        var server = MakeCertificate("storescp");
        var client = MakeCertificate("enamel");
        int port = Dcmtk.FreePort();
        var outDir = Path.Combine(dir, "out");
        Directory.CreateDirectory(outDir);
        var storescp = Dcmtk.Start("storescp", ["+tls", server.KeyPem, server.CertPem, "+cf", client.CertPem, "-aet", "STORESCP", "-od", outDir, port.ToString()]);
        try
        {
            Dcmtk.WaitForPort(port);
            var source = Part10Source.Read(TestFiles.Sample("CT_small.dcm"));
            var options = new DicomClientOptions
            {
                Port = port,
                CalledAeTitle = "STORESCP",
                Tls = new DicomTlsOptions { Certificate = client.Cert, TrustedRoots = [X509CertificateLoader.LoadCertificate(server.Cert.RawData)] },
            };
            await using var a = await DicomClient.ConnectAsync(options, DicomClient.ProposeStorage([source]));
            Assert.Equal(DimseStatus.Success, await a.StoreAsync(source));
            await a.ReleaseAsync();
        }
        finally
        {
            Dcmtk.Kill(storescp);
        }
        using var sent = DicomFile.Open(TestFiles.Sample("CT_small.dcm"));
        using var got = DicomFile.Open(Directory.GetFiles(outDir).Single());
        DcmtkScuTests.AssertSame(sent.Dataset, got.Dataset);
    }
}
