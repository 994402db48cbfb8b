using System.Text.Json;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.DicomWeb;

/// <summary>The dicomweb-client npm package (what OHIF uses) against the live server: STOW, QIDO, metadata, frames (native and JPEG-LS), instance, rendered, thumbnails.</summary>
public class DicomWebClientTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task DicomwebClient_StoreSearchRetrieve_AllSucceed()
    {
        var folder = NodeClients.Folder("DicomWebClient");
        NodeClients.Run("npm", ["ci", "--silent", "--no-audit", "--no-fund"], folder);
        // Trust exactly the server's generated certificate, as a clinic would install it.
        var pem = Path.Combine(server.DataDirectory, "server-cert.pem");
        await File.WriteAllTextAsync(pem, server.Certificate.ExportCertificatePem());
        var output = NodeClients.Run("node", ["client.js", server.BaseAddress + "dicom-web", ServerFixture.Sample("CT_small.dcm")], folder,
            new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = pem, ["ENAMEL_TOKEN"] = server.Token });

        Assert.True(output.TrimStart().StartsWith('{'), output);
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
        Assert.True(r.GetProperty("jlsFrame").GetBoolean());
        Assert.True(r.GetProperty("thumbnailJpeg").GetBoolean());
        Assert.True(r.GetProperty("frameThumbnailPng").GetBoolean());
    }
}
