using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Enamel.Core.Audit;
using Enamel.TestShared;

namespace Enamel.Core.Tests.Audit;

public sealed class SyslogTlsSenderTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TestCertificates certs = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "enamel-syslog-tests", Guid.NewGuid().ToString("N"));

    public SyslogTlsSenderTests() => Directory.CreateDirectory(folder);

    private static AuditRecord Record(int i) => new(i,
        new AuditEvent(new DateTimeOffset(2026, 3, 2, 9, 30, i, TimeSpan.Zero), "u-" + i, "dentist", 1000 + i, "Imaging study 1.2." + i, "Read",
            AuditOutcome.Success, "TREAT", "192.168.1.20"), new byte[32]);

    [Fact]
    public void Frame_IsOctetCountedRfc5424()
    {
        var frame = SyslogTlsSender.Frame(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero), "vault 1", "<AuditMessage/>");
        var text = Encoding.UTF8.GetString(frame);
        int space = text.IndexOf(' ');
        int declared = int.Parse(text[..space], CultureInfo.InvariantCulture);
        Assert.Equal(frame.Length - space - 1, declared);
        Assert.StartsWith("<85>1 2026-03-02T09:30:00.0000000+00:00 vault1 enamel ", text[(space + 1)..]);
        Assert.EndsWith(" IHE+RFC-3881 - \uFEFF<AuditMessage/>", text);
    }

    [Fact]
    public async Task Send_ToATlsListener_ArrivesAsConsecutiveFrames()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var receive = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(Ct);
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(certs.Server);
            var ms = new MemoryStream();
            await tls.CopyToAsync(ms, Ct);
            return ms.ToArray();
        });
        await using (var sender = new SyslogTlsSender("127.0.0.1", port, "vault", certs.Validate))
            for (int i = 1; i <= 3; i++) await sender.SendAsync(Record(i), "ENAMEL", Ct);
        var bytes = await receive.WaitAsync(TimeSpan.FromSeconds(30));

        var messages = new List<string>();
        for (int at = 0; at < bytes.Length;)
        {
            int space = Array.IndexOf(bytes, (byte)' ', at);
            int length = int.Parse(Encoding.ASCII.GetString(bytes, at, space - at), CultureInfo.InvariantCulture);
            messages.Add(Encoding.UTF8.GetString(bytes, space + 1, length));
            at = space + 1 + length;
        }
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Contains("<AuditMessage>", m));
        Assert.Contains("UserID=\"u-2\"", messages[1]);
    }

    [Fact]
    public async Task Send_ToRsyslogOverTls_IsReceivedAndParsed()
    {
        const string rsyslogd = "/usr/sbin/rsyslogd";
        const string gtls = "/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so";
        if (!File.Exists(rsyslogd) || !File.Exists(gtls))
            throw new InvalidOperationException("rsyslog with TLS is missing: apt-get install rsyslog rsyslog-gnutls");
        certs.WritePem(folder);
        int port = FreePort();
        var output = Path.Combine(folder, "received.log");
        File.WriteAllText(Path.Combine(folder, "rsyslog.conf"), $"""
            global(workDirectory="{folder}"
                   DefaultNetstreamDriver="gtls"
                   DefaultNetstreamDriverCAFile="{folder}/ca.pem"
                   DefaultNetstreamDriverCertFile="{folder}/cert.pem"
                   DefaultNetstreamDriverKeyFile="{folder}/key.pem")
            module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
            input(type="imtcp" port="{port}" address="127.0.0.1")
            template(name="fields" type="string" string="%pri%|%app-name%|%msgid%|%hostname%|%msg%\n")
            action(type="omfile" file="{output}" template="fields")
            """);
        var psi = new ProcessStartInfo(rsyslogd) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-n", "-f", Path.Combine(folder, "rsyslog.conf"), "-i", Path.Combine(folder, "rsyslog.pid") }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        try
        {
            await WaitForPortAsync(port, process);
            await using (var sender = new SyslogTlsSender("127.0.0.1", port, "vault", certs.Validate))
                for (int i = 1; i <= 3; i++) await sender.SendAsync(Record(i), "ENAMEL", Ct);

            string[] lines = [];
            await Poll.UntilAsync(() => (lines = File.Exists(output) ? File.ReadAllLines(output) : []).Length >= 3); // rsyslog writes when it has read them
            Assert.Equal(3, lines.Length);
            for (int i = 0; i < 3; i++)
            {
                var fields = lines[i].Split('|', 5);
                Assert.Equal(("85", "enamel", "IHE+RFC-3881", "vault"), (fields[0], fields[1], fields[2], fields[3]));
                Assert.Contains($"<AuditMessage><EventIdentification EventActionCode=\"R\"", fields[4]);
                Assert.Contains($"UserID=\"u-{i + 1}\"", fields[4]);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
        }
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        bool listening = await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"rsyslogd exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false; // not listening yet
            }
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        if (!listening) throw new TimeoutException($"rsyslogd did not listen on {port}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        certs.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
