using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Enamel.Dicom;

namespace Enamel.Server.Tests.DicomWeb;

public class DicomWebTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    private const string CtSeries = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";
    private const string CtInstance = "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";

    private async Task StoreSamplesAsync()
    {
        var response = await server.StowAsync(ServerFixture.Sample("CT_small.dcm"), ServerFixture.Sample("MR_small.dcm"), ServerFixture.Sample("JPEG2000.dcm"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stow_ThenWadoInstanceAsStored_IsBitExact()
    {
        await StoreSamplesAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{CtStudy}/series/{CtSeries}/instances/{CtInstance}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\"; transfer-syntax=*"));
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await Multipart.ReadAsync(response);
        Assert.Equal(await File.ReadAllBytesAsync(ServerFixture.Sample("CT_small.dcm")), Assert.Single(parts));
    }

    [Fact]
    public async Task Stow_SameInstanceAgain_IsIdempotent()
    {
        await StoreSamplesAsync();
        var again = await server.StowAsync(ServerFixture.Sample("CT_small.dcm"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Stow_GarbagePart_Returns409WithFailureReason()
    {
        var path = Path.Combine(server.DataDirectory, "garbage.bin");
        await File.WriteAllBytesAsync(path, new byte[300]);
        var response = await server.StowAsync(path);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reason = json.RootElement.GetProperty("00081198").GetProperty("Value")[0].GetProperty("00081197").GetProperty("Value")[0].GetInt32();
        Assert.Equal(0xC000, reason);
    }

    [Fact]
    public async Task Qido_StudiesByPatientNameWildcard_FindsStudy()
    {
        await StoreSamplesAsync();
        var response = await server.Client.GetAsync("/dicom-web/studies?PatientName=compressedsamples%5ECT*&includefield=ModalitiesInStudy");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var study = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(CtStudy, study.GetProperty("0020000D").GetProperty("Value")[0].GetString());
        Assert.Equal("CT", study.GetProperty("00080061").GetProperty("Value")[0].GetString());
    }

    [Fact]
    public async Task Qido_UnknownKeyword_Returns400()
    {
        var response = await server.Client.GetAsync("/dicom-web/studies?NotAKeyword=1");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Qido_NoMatch_Returns204()
    {
        var response = await server.Client.GetAsync("/dicom-web/studies?PatientID=nobody-here");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Qido_SeriesOfStudy_ReturnsSeriesWithCount()
    {
        await StoreSamplesAsync();
        var response = await server.Client.GetAsync($"/dicom-web/studies/{CtStudy}/series");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var series = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(CtSeries, series.GetProperty("0020000E").GetProperty("Value")[0].GetString());
        Assert.Equal(1, series.GetProperty("00201209").GetProperty("Value")[0].GetInt32());
    }

    [Fact]
    public async Task Wado_ImplicitRequested_ConvertsFromStoredExplicit()
    {
        await StoreSamplesAsync();
        using var original = DicomFile.Open(ServerFixture.Sample("MR_small.dcm"));
        var study = original.Dataset.GetString(DicomTags.StudyInstanceUID);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{study}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2"));
        var get = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(get));
        using var file = DicomFile.Open(new MemoryStream(part));
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        var ours = ((DicomValueElement)file.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray();
        var theirs = ((DicomValueElement)original.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray();
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task Stow_SameUidDifferentBytes_Returns409Duplicate()
    {
        await StoreSamplesAsync();
        var response = await server.StowAsync(ServerFixture.Sample("MR_small_implicit.dcm"));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var reason = json.RootElement.GetProperty("00081198").GetProperty("Value")[0].GetProperty("00081197").GetProperty("Value")[0].GetInt32();
        Assert.Equal(0x0111, reason);
    }

    [Fact]
    public async Task Frames_NativeInstance_ReturnsPixelBytes()
    {
        await StoreSamplesAsync();
        var response = await server.Client.GetAsync($"/dicom-web/studies/{CtStudy}/series/{CtSeries}/instances/{CtInstance}/frames/1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = Assert.Single(await Multipart.ReadAsync(response));
        using var original = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        Assert.Equal(((DicomValueElement)original.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray(), frame);
        var missing = await server.Client.GetAsync($"/dicom-web/studies/{CtStudy}/series/{CtSeries}/instances/{CtInstance}/frames/2");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task WadoUri_Object_IsBitExact()
    {
        await StoreSamplesAsync();
        var bytes = await server.Client.GetByteArrayAsync($"/wado?requestType=WADO&studyUID={CtStudy}&seriesUID={CtSeries}&objectUID={CtInstance}&contentType=application/dicom");
        Assert.Equal(await File.ReadAllBytesAsync(ServerFixture.Sample("CT_small.dcm")), bytes);
    }

    [Fact]
    public async Task Blobs_AtRest_DoNotContainPatientName()
    {
        await StoreSamplesAsync();
        var needle = "CompressedSamples"u8.ToArray();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "store"), "*", SearchOption.AllDirectories))
            Assert.True((await File.ReadAllBytesAsync(f)).AsSpan().IndexOf(needle) < 0, $"{f} holds plaintext");
    }
}

public class MetadataTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Metadata_Series_IsDicomJsonWithPixelDataAsBulkDataUri_Gzipped()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var original = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        var study = original.Dataset.GetString(DicomTags.StudyInstanceUID);
        var series = original.Dataset.GetString(DicomTags.SeriesInstanceUID);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{study}/series/{series}/metadata");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
        await using var gz = new System.IO.Compression.GZipStream(await response.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var json = await JsonDocument.ParseAsync(gz);
        var instance = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("CompressedSamples^CT1", instance.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        var uri = instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString()!;

        var bulk = await server.Client.GetAsync(new Uri(uri).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var bytes = Assert.Single(await Multipart.ReadAsync(bulk));
        Assert.Equal(((DicomValueElement)original.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray(), bytes);
    }
}

public class RenderedTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Rendered_Instance_IsJpegOrPngOfTheImageSize_AndThumbnailIsSmall()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        using var original = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        var ds = original.Dataset;
        var path = $"/dicom-web/studies/{ds.GetString(DicomTags.StudyInstanceUID)}/series/{ds.GetString(DicomTags.SeriesInstanceUID)}/instances/{ds.GetString(DicomTags.SOPInstanceUID)}";

        var jpeg = await server.Client.GetAsync(path + "/rendered?window=40,400");
        Assert.Equal(HttpStatusCode.OK, jpeg.StatusCode);
        Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType!.MediaType);
        var jpegBytes = await jpeg.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xFF, 0xD8], jpegBytes[..2]);

        var request = new HttpRequestMessage(HttpMethod.Get, path + "/frames/1/rendered");
        request.Headers.Accept.ParseAdd("image/png");
        var png = await server.Client.SendAsync(request);
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(await png.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(128, bitmap.Width);
            Assert.Equal(128, bitmap.Height);
        }

        var thumb = await server.Client.GetAsync(path + "/thumbnail?viewport=64,64");
        using (var bitmap = SkiaSharp.SKBitmap.Decode(await thumb.Content.ReadAsByteArrayAsync()))
            Assert.True(bitmap.Width <= 64 && bitmap.Height <= 64);

        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.GetAsync(path + "/rendered?window=40")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(path + "/frames/2/rendered")).StatusCode);
    }
}

public class TranscodeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("1.2.840.10008.1.2.1")]     // RLE stored, explicit asked
    [InlineData("1.2.840.10008.1.2.4.80")]  // RLE stored, JPEG-LS lossless asked
    public async Task Wado_CompressedStored_TranscodedLosslessToRequestedSyntax(string requested)
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("MR_small_RLE.dcm"))).StatusCode);
        using var rle = DicomFile.Open(ServerFixture.Sample("MR_small_RLE.dcm"));
        using var native = DicomFile.Open(ServerFixture.Sample("MR_small.dcm"));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{rle.Dataset.GetString(DicomTags.StudyInstanceUID)}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; transfer-syntax={requested}"));
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var got = DicomFile.Open(new MemoryStream(Assert.Single(await Multipart.ReadAsync(response))));
        Assert.Equal(requested, got.TransferSyntax.Uid);
        Assert.Equal(Enamel.Dicom.Imaging.DicomPixelData.Create(native).GetFrame(0), Enamel.Dicom.Imaging.DicomPixelData.Create(got).GetFrame(0));
    }
}

public class WadoUriRenderedTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task WadoUri_ImageJpeg_RendersWithWindowAndSize()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        const string q = "/wado?requestType=WADO&studyUID=1.3.6.1.4.1.5962.1.2.1.20040119072730.12322&seriesUID=1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322&objectUID=1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322";
        var response = await server.Client.GetAsync(q + "&contentType=image/jpeg&windowCenter=40&windowWidth=400&rows=64&columns=64");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        using var bitmap = SkiaSharp.SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(64, bitmap.Width);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.GetAsync(q + "&contentType=image/jpeg&windowCenter=40")).StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await server.Client.GetAsync(q + "&contentType=video/mp4")).StatusCode);
    }
}

public class TransportTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task EveryResponse_CarriesSecurityHeaders_AndPlainHttpIsNotServed()
    {
        var response = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        using var plain = new HttpClient();
        var http = new UriBuilder(server.BaseAddress) { Scheme = "http" }.Uri;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri(http, "/health")));
    }
}

public class NegotiationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("1.2.840.10008.5.1.4.1.1.2")]   // a SOP class, not a transfer syntax
    [InlineData("1.2.840.10008.1.2.4.100")]     // MPEG2: no encoder
    public async Task Wado_UnproducibleTransferSyntax_Returns406(string syntax)
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"))).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies/1.3.6.1.4.1.5962.1.2.1.20040119072730.12322");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; transfer-syntax={syntax}"));
        Assert.Equal(HttpStatusCode.NotAcceptable, (await server.Client.SendAsync(request)).StatusCode);
    }
}
