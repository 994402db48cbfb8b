namespace Enamel.Server.Tests.DicomWeb;

/// <summary>HTTPS only with modern TLS: OpenSSL's s_client (a peer we did not write) gets TLS 1.2 and 1.3, never 1.0 or 1.1.</summary>
public sealed class TlsVersionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Peers.Result Handshake(string version, string extra = "") =>
        Peers.Run("bash", "-c", $"openssl s_client -connect 127.0.0.1:{server.BaseAddress.Port} -servername localhost -brief {version} {extra} </dev/null");

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public void ModernTls_IsAccepted(string flag, string protocol)
    {
        var r = Handshake(flag);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains($"Protocol version: {protocol}", r.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public void OldTls_IsRefused_EvenWhenTheClientInsists(string flag)
    {
        // SECLEVEL=0 lets this OpenSSL client offer the old protocol at all: the refusal is the server's.
        var r = Handshake(flag, "-cipher DEFAULT@SECLEVEL=0");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("alert protocol version", r.StdErr, StringComparison.Ordinal); // the server's TLS alert 70, not a connect error
    }
}
