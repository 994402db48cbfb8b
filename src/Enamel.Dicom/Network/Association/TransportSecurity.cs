using System.Net.Security;
using System.Net.Sockets;

namespace Enamel.Dicom.Network;

/// <summary>Wraps sockets in TLS (PS3.15 Annex B) when configured; plain TCP otherwise.</summary>
internal static class TransportSecurity
{
    public static async Task<Stream> ServerAsync(Socket socket, DicomTlsOptions? tls, TimeSpan timeout, CancellationToken ct)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        if (tls is null) return network;
        var ssl = new SslStream(network, leaveInnerStreamOpen: false,
            (_, cert, _, errors) => !tls.RequireClientCertificate || tls.Verify(cert, errors, checkName: false));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = tls.Certificate ?? throw new InvalidOperationException("TLS needs a server certificate"),
                ClientCertificateRequired = tls.RequireClientCertificate,
                EnabledSslProtocols = tls.Protocols,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            }, cts.Token).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task<Stream> ClientAsync(DicomClientOptions o, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(o.ConnectTimeout);
        try
        {
            await client.ConnectAsync(o.Host, o.Port, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            client.Dispose();
            throw new DicomNetworkException($"cannot connect to {o.Host}:{o.Port}: timed out after {o.ConnectTimeout.TotalSeconds:0} s");
        }
        catch (SocketException ex)
        {
            client.Dispose();
            throw new DicomNetworkException($"cannot connect to {o.Host}:{o.Port}: {ex.SocketErrorCode}", ex);
        }
        var network = client.GetStream();
        if (o.Tls is not { } tls) return new OwningStream(network, client);
        var ssl = new SslStream(network, leaveInnerStreamOpen: false, (_, cert, _, errors) => tls.Verify(cert, errors, checkName: tls.TargetHost is not null));
        try
        {
            var certs = tls.Certificate is null ? null : new System.Security.Cryptography.X509Certificates.X509CertificateCollection { tls.Certificate };
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = tls.TargetHost ?? o.Host,
                ClientCertificates = certs,
                EnabledSslProtocols = tls.Protocols,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            }, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            throw new DicomNetworkException($"TLS handshake with {o.Host}:{o.Port} failed: {ex.Message}", ex);
        }
        return new OwningStream(ssl, client);
    }

    /// <summary>Disposes the TcpClient along with the stream.</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.ReadAsync(buffer, offset, count, ct);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => inner.WriteAsync(buffer, ct);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => inner.WriteAsync(buffer, offset, count, ct);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) { inner.Dispose(); owner.Dispose(); }
            base.Dispose(disposing);
        }
    }
}
