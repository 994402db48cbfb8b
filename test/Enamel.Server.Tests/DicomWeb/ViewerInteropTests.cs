using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Enamel.Dicom;
using Enamel.Server.Hosting;

namespace Enamel.Server.Tests.DicomWeb;

/// <summary>What a browser viewer (OHIF 3.x) asks of DICOMweb, through the real server (issue 14 item 10).</summary>
public class ViewerInteropTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string CtSeries = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private const string CtInstance = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
    private const string CtPath = $"/dicom-web/studies/{CtStudy}/series/{CtSeries}/instances/{CtInstance}";

    private async Task StoreAsync(params string[] samples)
    {
        var response = await server.StowAsync([.. samples.Select(ServerFixture.Sample)]);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static string PathOf(string sample)
    {
        using var f = DicomFile.Open(ServerFixture.Sample(sample));
        var ds = f.Dataset;
        return $"/dicom-web/studies/{ds.GetString(DicomTags.StudyInstanceUID)}/series/{ds.GetString(DicomTags.SeriesInstanceUID)}/instances/{ds.GetString(DicomTags.SOPInstanceUID)}";
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await server.Client.SendAsync(request);
    }

    private static (int Width, int Height) Decode(byte[] image)
    {
        using var bitmap = SkiaSharp.SKBitmap.Decode(image);
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height);
    }

    // 1. The accept query parameter, as OHIF sends it for thumbnails, wins over the Accept header.
    [Theory]
    [InlineData("/thumbnail?accept=image/jpeg", "multipart/related; type=\"application/octet-stream\"", "image/jpeg")]
    [InlineData("/thumbnail?accept=image%2Fjpeg", "multipart/related; type=\"image/jpeg\"", "image/jpeg")]
    [InlineData("/thumbnail", "multipart/related; type=image/jpeg", "image/jpeg")] // unquoted, as viewers send it
    [InlineData("/rendered?accept=image/png", "image/jpeg", "image/png")]
    [InlineData("/frames/1/rendered?accept=image/jpeg", "image/png", "image/jpeg")]
    public async Task AcceptQueryParameter_WinsOverHeader(string resource, string header, string expected)
    {
        await StoreAsync("CT_small.dcm");
        var response = await GetAsync(CtPath + resource, header);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal((128, 128), Decode(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task AcceptQueryParameter_Unacceptable_Is406EvenWhenTheHeaderWouldDo()
    {
        await StoreAsync("CT_small.dcm");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await GetAsync(CtPath + "/thumbnail?accept=video/mp4", "image/jpeg")).StatusCode);
    }

    [Fact]
    public async Task AcceptQueryParameter_AppliesToInstancesAndFramesToo()
    {
        await StoreAsync("CT_small.dcm");
        var accept = Uri.EscapeDataString("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2");
        var instance = await GetAsync(CtPath + "?accept=" + accept, "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, instance.StatusCode);
        using (var file = DicomFile.Open(new MemoryStream(Assert.Single(await Multipart.ReadAsync(instance)))))
            Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        var frames = await GetAsync(CtPath + "/frames/1?accept=" + Uri.EscapeDataString("multipart/related; type=image/jls"), "multipart/related; type=application/octet-stream");
        Assert.Equal("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", Assert.Single(await Multipart.ReadTypedAsync(frames)).ContentType);
    }

    // 2. Series and study rendered and thumbnails; frame thumbnails.
    [Fact]
    public async Task SeriesAndStudy_RenderedAndThumbnail_AndFrameThumbnail()
    {
        await StoreAsync("CT_small.dcm");
        foreach (var level in new[] { $"/dicom-web/studies/{CtStudy}", $"/dicom-web/studies/{CtStudy}/series/{CtSeries}" })
        {
            var rendered = await GetAsync(level + "/rendered", "multipart/related; type=\"image/jpeg\"");
            Assert.Equal(HttpStatusCode.OK, rendered.StatusCode);
            Assert.Contains("image/jpeg", rendered.Content.Headers.ContentType!.ToString());
            var (type, bytes) = Assert.Single(await Multipart.ReadTypedAsync(rendered));
            Assert.Equal("image/jpeg", type);
            Assert.Equal((128, 128), Decode(bytes));

            var png = await GetAsync(level + "/rendered?accept=multipart/related;type=image/png&viewport=32,32", "*/*");
            Assert.Equal((32, 32), Decode(Assert.Single(await Multipart.ReadAsync(png))));

            var thumb = await GetAsync(level + "/thumbnail?accept=image/jpeg&viewport=64,64", "multipart/related; type=\"image/jpeg\"");
            Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
            Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType!.MediaType);
            Assert.Equal((64, 64), Decode(await thumb.Content.ReadAsByteArrayAsync()));
        }
        var frameThumb = await GetAsync(CtPath + "/frames/1/thumbnail?accept=image/png");
        Assert.Equal(HttpStatusCode.OK, frameThumb.StatusCode);
        Assert.Equal("image/png", frameThumb.Content.Headers.ContentType!.MediaType);
        Assert.Equal((128, 128), Decode(await frameThumb.Content.ReadAsByteArrayAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(CtPath + "/frames/2/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/dicom-web/studies/1.2.3.4.5.6.7/rendered")).StatusCode);
    }

    [Fact]
    public async Task StudyThumbnail_SkipsAReportForTheImage()
    {
        // One study: the CT image and a structured report (with the CT's patient and study).
        await StoreAsync("CT_small.dcm");
        using var ct = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        using var sr = DicomFile.Open(ServerFixture.Sample("reportsi.dcm"));
        foreach (var tag in new[] { DicomTags.PatientID, DicomTags.PatientName, DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyInstanceUID })
            if (ct.Dataset.GetString(tag) is { } value) sr.Dataset.SetString(tag, ct.Dataset[tag]!.VR, value);
        var path = Path.Combine(Directory.CreateTempSubdirectory("enamel-sr-").FullName, "report.dcm");
        sr.Save(path);
        var stow = await server.StowAsync(path);
        Assert.True(stow.StatusCode == HttpStatusCode.OK, await stow.Content.ReadAsStringAsync());
        var instances = await GetAsync($"/dicom-web/studies/{CtStudy}/instances");
        Assert.Equal(2, JsonDocument.Parse(await instances.Content.ReadAsStringAsync()).RootElement.GetArrayLength());

        var thumb = await GetAsync($"/dicom-web/studies/{CtStudy}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal((128, 128), Decode(await thumb.Content.ReadAsByteArrayAsync()));
        // The rendered study leaves the report out.
        var rendered = await GetAsync($"/dicom-web/studies/{CtStudy}/rendered");
        Assert.Single(await Multipart.ReadAsync(rendered));
    }

    // 3. viewport (and WADO-URI rows/columns) are maxima: the aspect ratio is kept.
    [Fact]
    public async Task Viewport_KeepsAspectRatio()
    {
        await StoreAsync("ExplVR_BigEnd.dcm"); // 80 x 60
        var path = PathOf("ExplVR_BigEnd.dcm");
        Assert.Equal((64, 48), Decode(await (await GetAsync(path + "/rendered?viewport=64,64")).Content.ReadAsByteArrayAsync()));
        Assert.Equal((40, 30), Decode(await (await GetAsync(path + "/thumbnail?viewport=200,30")).Content.ReadAsByteArrayAsync()));
        Assert.Equal((160, 120), Decode(await (await GetAsync(path + "/frames/1/rendered?viewport=160,120")).Content.ReadAsByteArrayAsync()));
        using var f = DicomFile.Open(ServerFixture.Sample("ExplVR_BigEnd.dcm"));
        var ds = f.Dataset;
        var uri = $"/wado?requestType=WADO&studyUID={ds.GetString(DicomTags.StudyInstanceUID)}&seriesUID={ds.GetString(DicomTags.SeriesInstanceUID)}&objectUID={ds.GetString(DicomTags.SOPInstanceUID)}&contentType=image/jpeg&rows=64&columns=64";
        Assert.Equal((64, 48), Decode(await (await GetAsync(uri)).Content.ReadAsByteArrayAsync()));
    }

    // 4. Frames in the transfer syntax asked for.
    [Fact]
    public async Task Frames_JpegLsAsked_AreJpegLs_ThatDcmtkDecodesToTheStoredPixels()
    {
        await StoreAsync("CT_small.dcm");
        var response = await GetAsync(CtPath + "/frames/1", "multipart/related; type=\"image/jls\"; transfer-syntax=1.2.840.10008.1.2.4.80");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (type, frame) = Assert.Single(await Multipart.ReadTypedAsync(response));
        Assert.Equal("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", type);
        Assert.Equal([0xFF, 0xD8, 0xFF, 0xF7], frame[..4]); // SOI, then SOF-55 (JPEG-LS)

        // The peer: wrap the served frame as a JPEG-LS object and let dcmtk decompress it.
        using var original = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        var ds = original.Dataset.Clone();
        var fragments = new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB);
        fragments.Fragments.Add(DicomValue.FromBytes(frame));
        ds.Set(fragments);
        var dir = Directory.CreateTempSubdirectory("enamel-jls-").FullName;
        var compressed = Path.Combine(dir, "served.dcm");
        var decompressed = Path.Combine(dir, "decoded.dcm");
        DicomFile.Create(ds, DicomTransferSyntax.FromUid("1.2.840.10008.1.2.4.80")).Save(compressed);
        var run = Peers.Run("dcmdjpls", compressed, decompressed);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var decoded = DicomFile.Open(decompressed);
        Assert.Equal(((DicomValueElement)original.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray(),
            ((DicomValueElement)decoded.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray());
    }

    [Fact]
    public async Task Frames_JpegBaselineAsOctetStream_IsAJpegABrowserDecodes_AndImpossibleIs406()
    {
        await StoreAsync("SC_rgb_rle.dcm", "CT_small.dcm");
        // RLE stored, JPEG Baseline asked the way cornerstone asks (octet-stream with a transfer syntax).
        var response = await GetAsync(PathOf("SC_rgb_rle.dcm") + "/frames/1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.50");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (type, frame) = Assert.Single(await Multipart.ReadTypedAsync(response));
        Assert.Equal("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.50", type);
        Assert.Equal((100, 100), Decode(frame));
        // image/jpeg names the same syntax.
        var asJpeg = await GetAsync(PathOf("SC_rgb_rle.dcm") + "/frames/1", "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50");
        Assert.Equal((100, 100), Decode(Assert.Single(await Multipart.ReadAsync(asJpeg))));

        // 16-bit CT cannot be JPEG Baseline; image/jpeg cannot carry JPEG-LS; no encoder for JPEG Extended.
        Assert.Equal(HttpStatusCode.NotAcceptable, (await GetAsync(CtPath + "/frames/1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.50")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await GetAsync(CtPath + "/frames/1", "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.80")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await GetAsync(CtPath + "/frames/1", "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.51")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await GetAsync(CtPath + "/frames/1", "application/dicom")).StatusCode);
        // Exactly as cornerstone (OHIF) asks, the slash unquoted: as stored.
        var cornerstone = await GetAsync(CtPath + "/frames/1", "multipart/related; type=application/octet-stream; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, cornerstone.StatusCode);
        Assert.Equal("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", Assert.Single(await Multipart.ReadTypedAsync(cornerstone)).ContentType);
        // A list: the first choice that can be produced wins.
        var fallback = await GetAsync(CtPath + "/frames/1",
            "multipart/related; type=\"image/jpeg\"; transfer-syntax=1.2.840.10008.1.2.4.50, multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
        Assert.Equal("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", Assert.Single(await Multipart.ReadTypedAsync(fallback)).ContentType);
    }

    [Fact]
    public async Task Frames_AnySyntax_ReturnsTheStoredFragments()
    {
        await StoreAsync("JPEG2000.dcm");
        using var original = DicomFile.Open(ServerFixture.Sample("JPEG2000.dcm"));
        var response = await GetAsync(PathOf("JPEG2000.dcm") + "/frames/1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (type, frame) = Assert.Single(await Multipart.ReadTypedAsync(response));
        Assert.Equal($"application/octet-stream; transfer-syntax={original.TransferSyntax.Uid}", type);
        Assert.Equal(Enamel.Dicom.Imaging.DicomPixelData.Create(original).GetEncodedFrame(0), frame);
        // And decoded when native is asked (the default).
        var native = await GetAsync(PathOf("JPEG2000.dcm") + "/frames/1");
        Assert.Equal(Enamel.Dicom.Imaging.DicomPixelData.Create(original).GetFrame(0), Assert.Single(await Multipart.ReadAsync(native)));
    }

    // 5. STOW-RS Retrieve URLs point at resources that exist.
    [Fact]
    public async Task Stow_RetrieveUrls_AllAnswer200()
    {
        var stow = await server.StowAsync(ServerFixture.Sample("MR_small.dcm"));
        Assert.Equal(HttpStatusCode.OK, stow.StatusCode);
        using var json = JsonDocument.Parse(await stow.Content.ReadAsStringAsync());
        var urls = new List<string>();
        void Collect(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "00081190") urls.Add(p.Value.GetProperty("Value")[0].GetString()!);
                    else Collect(p.Value);
                }
            else if (e.ValueKind == JsonValueKind.Array)
                foreach (var item in e.EnumerateArray()) Collect(item);
        }
        Collect(json.RootElement);
        Assert.Equal(2, urls.Count); // the study (one study stored) and the instance
        foreach (var url in urls)
        {
            var uri = new Uri(url);
            Assert.Equal(server.BaseAddress.Authority, uri.Authority);
            var get = await GetAsync(uri.PathAndQuery);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"{uri.PathAndQuery}: {(int)get.StatusCode}");
        }

        // Every part refused (another study than the URL names): no study Retrieve URL for a study that does not exist.
        var content = new MultipartContent("related", "b" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(ServerFixture.Sample("CT_small.dcm")));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(part);
        var refused = await server.Client.PostAsync("/dicom-web/studies/1.2.826.0.1.3680043.2.1125.99999", content);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        using var refusedJson = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.False(refusedJson.RootElement.TryGetProperty("00081190", out _));
    }
}

/// <summary>CORS for a viewer on another origin: cacheable preflights, credentials only for the configured origin.</summary>
public class CorsTests(CorsTests.Fixture server) : IClassFixture<CorsTests.Fixture>
{
    public sealed class Fixture : ServerFixture
    {
        protected override void Configure(EnamelOptions options)
        {
            options.CorsOrigins = ["https://ohif.clinic.example"];
            options.CorsCredentialOrigins = ["https://viewer.clinic.example"];
            options.CorsMaxAgeSeconds = 900;
        }
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var client = server.AnonymousClient();
        var request = new HttpRequestMessage(HttpMethod.Options, "/dicom-web/studies");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,accept");
        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage r, string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task Preflight_IsCacheable_CredentialsOnlyForTheConfiguredOrigin()
    {
        var plain = await PreflightAsync("https://ohif.clinic.example");
        Assert.True(plain.IsSuccessStatusCode, plain.StatusCode.ToString());
        Assert.Equal("https://ohif.clinic.example", Header(plain, "Access-Control-Allow-Origin"));
        Assert.Equal("900", Header(plain, "Access-Control-Max-Age"));
        Assert.Null(Header(plain, "Access-Control-Allow-Credentials"));

        var credentialed = await PreflightAsync("https://viewer.clinic.example");
        Assert.Equal("https://viewer.clinic.example", Header(credentialed, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(credentialed, "Access-Control-Allow-Credentials"));
        Assert.Equal("900", Header(credentialed, "Access-Control-Max-Age"));

        var stranger = await PreflightAsync("https://evil.example");
        Assert.Null(Header(stranger, "Access-Control-Allow-Origin"));
        Assert.Null(Header(stranger, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task ActualRequest_FromCredentialOrigin_CarriesAllowCredentials_AndStillNeedsAccess()
    {
        using var anonymous = server.AnonymousClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.Add("Origin", "https://viewer.clinic.example");
        var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode); // CORS relaxes the browser, not the access gate
        Assert.Equal("https://viewer.clinic.example", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://viewer.clinic.example/path")]
    [InlineData("viewer.clinic.example")]
    public void Validate_RefusesWhatIsNotAnOrigin(string origin)
    {
        Assert.Throws<InvalidOperationException>(() => CorsSetup.Validate(new EnamelOptions { CorsCredentialOrigins = [origin] }));
    }
}
