using System.Diagnostics;
using System.Text.Json;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.DicomWeb;

/// <summary>The dicomweb-client npm package (what OHIF uses) against the live server: STOW, QIDO, metadata, frames, instance, rendered.</summary>
public class DicomWebClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task DicomwebClient_StoreSearchRetrieve_AllSucceed()
    {
        var folder = FindPackageFolder();
        Run("npm", ["ci", "--silent", "--no-audit", "--no-fund"], folder, null);
        // Trust exactly the server's generated certificate, as a clinic would install it.
        var pem = Path.Combine(server.DataDirectory, "server-cert.pem");
        await File.WriteAllTextAsync(pem, server.Certificate.ExportCertificatePem());
        var output = Run("node", ["client.js", server.BaseAddress + "dicom-web", ServerFixture.Sample("CT_small.dcm")], folder, pem, server.Token);

        using var json = JsonDocument.Parse(output);
        var r = json.RootElement;
        Assert.True(r.GetProperty("stored").GetBoolean());
        Assert.Equal("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", r.GetProperty("studies")[0].GetString());
        Assert.Equal(1, r.GetProperty("instances").GetInt32());
        Assert.Equal(128, r.GetProperty("metadataRows").GetInt32());
        Assert.True(r.GetProperty("pixelDataBulk").GetBoolean());
        Assert.Equal(128 * 128 * 2, r.GetProperty("frameBytes").GetInt32());
        Assert.Equal(new FileInfo(ServerFixture.Sample("CT_small.dcm")).Length, r.GetProperty("instanceBytes").GetInt64());
        Assert.True(r.GetProperty("renderedJpeg").GetBoolean());
        Assert.True(r.GetProperty("renderedBytes").GetInt32() > 100);
    }

    private static string FindPackageFolder()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "test", "Enamel.Server.Tests", "DicomWebClient");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        throw new InvalidOperationException("test/Enamel.Server.Tests/DicomWebClient not found above the test binaries");
    }

    private static string Run(string tool, string[] args, string workingDirectory, string? extraCa, string? token = null)
    {
        var psi = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (extraCa is not null) psi.Environment["NODE_EXTRA_CA_CERTS"] = extraCa;
        if (token is not null) psi.Environment["ENAMEL_TOKEN"] = token;
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"{tool} is not installed: the dicomweb-client test needs Node.js and npm"); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException($"{tool} did not finish"); }
            Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {stderr.Result}{stdout.Result}");
            return stdout.Result;
        }
    }
}
