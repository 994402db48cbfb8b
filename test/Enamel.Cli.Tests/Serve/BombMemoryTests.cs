using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Enamel.TestShared;

namespace Enamel.Cli.Tests.Serve;

/// <summary>
/// The probe's decompression bomb against the real `enamel serve` process (issue 11): a 1 MB Deflated Explicit VR
/// Little Endian file with a 1 GiB private OB before Pixel Data, sent twice over STOW-RS. Before the fix the server's
/// resident memory went from ~100 MB to 5.7 GB for one request and 11.8 GB for two; now each is refused at the inflated
/// limit and the process's peak resident memory (VmHWM) stays under 300 MB.
/// </summary>
public sealed class BombMemoryTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    private static long PeakResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmHWM in /proc/PID/status");
    }

    [Fact]
    public async Task DeflateBomb_TwiceOverStow_IsRefused_AndTheServersPeakMemoryStaysUnder300MB()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "dr-bomb", "dentist");
        var token = Enamel.Run("tokens", "create", "--user", "dr-bomb", "--name", "bomb", "--scope", "Imaging:Read", "Imaging:Create", "--data", data).StdOut.Trim();
        using var server = ServeProcess.Start(data);
        await server.WaitUntilListeningAsync();
        using var http = server.Client(token);
        var bomb = ProbeObjects.DeflateBomb();
        long before = PeakResidentBytes(server.Process.Id);
        for (int i = 0; i < 2; i++)
        {
            var content = new MultipartContent("related", "bomb" + i);
            content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
            var part = new ByteArrayContent(bomb);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
            var response = await http.PostAsync("/dicom-web/studies", content);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(0xC000, json.RootElement.GetProperty("00081198").GetProperty("Value")[0].GetProperty("00081197").GetProperty("Value")[0].GetInt32());
        }
        long peak = PeakResidentBytes(server.Process.Id);
        Assert.True(peak < 300L * 1024 * 1024, $"the server's peak resident memory reached {peak >> 20} MB (before the bombs {before >> 20} MB)");
        output.WriteLine($"BOMB-RSS: peak {peak >> 20} MB (before the bombs {before >> 20} MB)");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
