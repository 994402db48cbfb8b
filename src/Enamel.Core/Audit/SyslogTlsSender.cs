using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Enamel.Core.Audit;

/// <summary>
/// Sends audit messages to an audit record repository: RFC 5424 syslog messages, framed by RFC 5425 octet counting
/// ("LEN SP MSG") over TLS 1.2+. Facility 10 (security/authorization), severity 5 (notice) → PRI 85; APP-NAME
/// "enamel", MSGID "IHE+RFC-3881" as IHE ATNA asks; the payload is the AuditMessage XML in UTF-8 with a BOM.
/// </summary>
public sealed class SyslogTlsSender(string host, int port, string hostName, RemoteCertificateValidationCallback? validate = null) : IAsyncDisposable
{
    private const int Pri = 10 * 8 + 5;
    private TcpClient? client;
    private SslStream? stream;

    public async Task SendAsync(AuditRecord record, string auditSourceId, CancellationToken ct)
    {
        var s = await ConnectAsync(ct);
        var frame = Frame(record.Event.Time, hostName, AtnaAuditMessageWriter.ToXml(record, auditSourceId));
        await s.WriteAsync(frame, ct);
        await s.FlushAsync(ct);
    }

    /// <summary>One RFC 5425 frame: the octet count of the RFC 5424 message, a space, the message.</summary>
    public static byte[] Frame(DateTimeOffset time, string hostName, string xml)
    {
        var header = $"<{Pri}>1 {AuditChain.FormatTime(time)} {Token(hostName)} enamel {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} IHE+RFC-3881 - ";
        byte[] message = [.. Encoding.UTF8.GetBytes(header), 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(xml)];
        return [.. Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " "), .. message];
    }

    /// <summary>RFC 5424 header fields are printable US-ASCII without spaces; "-" when empty.</summary>
    private static string Token(string value)
    {
        var chars = value.Where(c => c is > ' ' and < (char)127).Take(255).ToArray();
        return chars.Length == 0 ? "-" : new string(chars);
    }

    private async Task<SslStream> ConnectAsync(CancellationToken ct)
    {
        if (stream is not null && client is { Connected: true }) return stream;
        await DisposeAsync();
        client = new TcpClient();
        await client.ConnectAsync(host, port, ct);
        stream = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, validate);
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, ct);
        return stream;
    }

    public async ValueTask DisposeAsync()
    {
        if (stream is not null) await stream.DisposeAsync();
        client?.Dispose();
        stream = null;
        client = null;
    }
}
