using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Enamel.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// The viewer's annotations API against the real server: saved apart from the pixels (the instance's bytes, as WADO-RS
/// returns them and as stored, are the same before and after), read back, refused to a role without image access (and
/// a save to a role that only reads images), bad input answered 400 with what is wrong and nothing stored, and exported as
/// a Grayscale Softcopy Presentation State that dcmtk checks (dcmpschk) and renders with the image (dcmp2pgm).
/// </summary>
public class ViewerApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Sop = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    private const string Study = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string Series = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private const string Path = "/api/instances/" + Sop + "/annotations";

    private const string Valid = """
        {"version": 0, "display": {"center": 40, "width": 400, "invert": true, "flipH": false, "flipV": true, "rotate": 90},
         "items": [{"type": "length", "frame": 1, "points": [[10, 10], [70, 90]], "text": ""},
                   {"type": "angle", "frame": 1, "points": [[20, 100], [60, 60], [100, 100]], "text": ""},
                   {"type": "text", "frame": 1, "points": [[30, 30]], "text": "bone loss 36 distal"}]}
        """;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<HttpClient> ClientAsync(string role, params string[] scope)
    {
        var token = await server.CreateTokenAsync(role, role + "-" + Guid.NewGuid().ToString("N")[..6], scope);
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> InstanceHashAsync(HttpClient client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{Study}/series/{Series}/instances/{Sop}");
        request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(response));
        return Convert.ToHexString(SHA256.HashData(part));
    }

    [Fact]
    public async Task Annotations_AreSavedApartFromThePixels_ReadBack_AndExportedAsAPresentationStateDcmtkReads()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var dentist = await ClientAsync("dentist", "Imaging:Read", "Imaging:Create", "Imaging:Export");
        var before = await InstanceHashAsync(dentist);
        var storedBefore = (await server.Services.GetRequiredService<Enamel.Core.Studies.IStudyIndex>().FindInstanceAsync(Sop, default))!.Blob;

        var empty = await dentist.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        using (var doc = JsonDocument.Parse(await empty.Content.ReadAsStringAsync()))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("version").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("items").GetArrayLength());
        }

        var put = await dentist.PutAsync(Path, Json(Valid));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var read = await dentist.GetAsync(Path);
        using (var doc = JsonDocument.Parse(await read.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
            var items = doc.RootElement.GetProperty("items");
            Assert.Equal(3, items.GetArrayLength());
            Assert.Equal("length", items[0].GetProperty("type").GetString());
            Assert.Equal(70, items[0].GetProperty("points")[1][0].GetDouble());
            Assert.Equal("bone loss 36 distal", items[2].GetProperty("text").GetString());
            Assert.Equal(90, doc.RootElement.GetProperty("display").GetProperty("rotate").GetInt32());
        }
        // A save against a version that moved on writes nothing.
        var stale = await dentist.PutAsync(Path, Json(Valid));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);

        // The pixels never change: the instance as retrieved, and as stored (blob and hash), is the same.
        Assert.Equal(before, await InstanceHashAsync(dentist));
        var storedAfter = (await server.Services.GetRequiredService<Enamel.Core.Studies.IStudyIndex>().FindInstanceAsync(Sop, default))!.Blob;
        Assert.Equal(storedBefore, storedAfter);

        // Sealed at rest: the row holds no annotation text in the clear.
        var audit = new List<Enamel.Core.Audit.AuditRecord>();
        await foreach (var r in server.Folder.Security.Audit.ReadAsync(0, default)) audit.Add(r);
        Assert.Contains(audit, r => (r.Event.Detail ?? "").StartsWith("viewer annotations saved (3 items)", StringComparison.Ordinal));

        // GSPS: a presentation state of the image that dcmtk checks and renders.
        var gsps = await dentist.GetAsync(Path + "/gsps");
        Assert.Equal(HttpStatusCode.OK, gsps.StatusCode);
        Assert.Equal("application/dicom", gsps.Content.Headers.ContentType?.MediaType);
        var dir = Directory.CreateTempSubdirectory("enamel-gsps-");
        try
        {
            var psPath = System.IO.Path.Combine(dir.FullName, "ps.dcm");
            await File.WriteAllBytesAsync(psPath, await gsps.Content.ReadAsByteArrayAsync());
            using (var ps = DicomFile.Open(psPath))
            {
                Assert.Equal("1.2.840.10008.5.1.4.1.1.11.1", ps.Dataset.GetString(DicomTags.SOPClassUID));
                Assert.Equal("INVERSE", ps.Dataset.GetString(DicomTags.PresentationLUTShape));
                Assert.Equal("Y", ps.Dataset.GetString(DicomTags.ImageHorizontalFlip)); // vertical flip = horizontal flip + 180°
                Assert.Equal(270, ps.Dataset.GetInt32(DicomTags.ImageRotation));
                // The length's value in mm as the viewer shows it (100 px × 0.661468 mm), the text as written.
                var texts = ps.Dataset.GetSequence(DicomTags.GraphicAnnotationSequence)!.Items
                    .SelectMany(i => i.GetSequence(DicomTags.TextObjectSequence)?.Items ?? []).Select(t => t.GetString(DicomTags.UnformattedTextValue)).ToList();
                Assert.Contains("66.1 mm", texts);
                Assert.Contains("bone loss 36 distal", texts);
                Assert.Contains(texts, t => t!.EndsWith('°'));
            }
            var check = Peers.Run("dcmpschk", psPath);
            Assert.True(check.ExitCode == 0 && !check.StdOut.Contains("Error", StringComparison.Ordinal) && !check.StdErr.Contains("Error", StringComparison.Ordinal),
                $"dcmpschk: {check.ExitCode}\n{check.StdOut}\n{check.StdErr}");
            var pgm = System.IO.Path.Combine(dir.FullName, "out.pgm");
            var render = Peers.Run("dcmp2pgm", "-p", psPath, ServerFixture.Sample("CT_small.dcm"), pgm);
            Assert.True(render.ExitCode == 0 && File.Exists(pgm), $"dcmp2pgm: {render.ExitCode}\n{render.StdOut}\n{render.StdErr}");
            Assert.StartsWith("P5", Encoding.ASCII.GetString(File.ReadAllBytes(pgm), 0, 2), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        Assert.Equal(before, await InstanceHashAsync(dentist));
    }

    [Fact]
    public async Task ARoleWithoutImageAccess_IsRefused_AndOneThatOnlyReadsCannotSave()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var desk = await ClientAsync("receptionist", "Demographics:Read", "Imaging:Read", "Imaging:Create");
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PutAsync(Path, Json(Valid.Replace("\"version\": 0", "\"version\": null", StringComparison.Ordinal)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync(Path + "/gsps")).StatusCode);
        using var lab = await ClientAsync("lab-technician", "Imaging:Read", "Imaging:Create");
        Assert.Equal(HttpStatusCode.OK, (await lab.GetAsync(Path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lab.PutAsync(Path, Json(Valid.Replace("\"version\": 0", "\"version\": null", StringComparison.Ordinal)))).StatusCode);
        using var anonymous = server.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Path)).StatusCode);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"items": [{"type": "circle", "frame": 1, "points": [[1, 2]]}]}""", "type must be one of")]
    [InlineData("""{"items": [{"type": "length", "frame": 1, "points": [[1, 2], [3, 4], [5, 6]]}]}""", "a length has 2 points")]
    [InlineData("""{"items": [{"type": "length", "frame": 0, "points": [[1, 2], [3, 4]]}]}""", "frame must be a frame number")]
    [InlineData("""{"items": [{"type": "length", "frame": 1, "points": [[1, "2"], [3, 4]]}]}""", "coordinates are finite numbers")]
    [InlineData("""{"items": [{"type": "text", "frame": 1, "points": [[1, 2]], "text": " "}]}""", "needs its text")]
    [InlineData("""{"display": {"rotate": 45}, "items": []}""", "display.rotate must be 0, 90, 180 or 270")]
    [InlineData("""{"display": {"width": 0}, "items": []}""", "display.width must be at least 1")]
    [InlineData("""{"items": [], "colour": "red"}""", "unknown member")]
    [InlineData("""{"version": "one", "items": []}""", "version must be")]
    public async Task BadInput_Is400_WithWhatIsWrong_AndNothingIsStored(string body, string expected)
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var dentist = await ClientAsync("dentist", "Imaging:Read", "Imaging:Create");
        var before = await (await dentist.GetAsync(Path)).Content.ReadAsStringAsync();
        var response = await dentist.PutAsync(Path, Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await (await dentist.GetAsync(Path)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NotJson_Is415_AndAnUnknownInstance404()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var dentist = await ClientAsync("dentist", "Imaging:Read", "Imaging:Create");
        var text = await dentist.PutAsync(Path, new StringContent("{\"items\": []}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync("/api/instances/1.2.3.999/annotations")).StatusCode);
    }
}
