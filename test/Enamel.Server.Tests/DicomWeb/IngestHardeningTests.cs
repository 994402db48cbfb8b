using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Enamel.Dicom;
using Enamel.TestShared;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.DicomWeb;

/// <summary>Memory-measuring tests run alone: allocations of other tests in the process would be counted.</summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>
/// What the outside probe got through on ingest (issue 11): a deflate bomb, corrupt objects acknowledged as stored, a
/// STOW to one study storing another's instance, malformed multipart answered with an empty 500, the same file
/// refused across protocols, the Host header echoed. Each attack is replayed; nothing refused may leave a trace.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public class IngestHardeningTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private string Port => server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Sample(string name) => File.ReadAllBytes(ServerFixture.Sample(name));

    private async Task<HttpResponseMessage> StowBytesAsync(byte[] part, string path = "/dicom-web/studies")
    {
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var body = new ByteArrayContent(part);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(body);
        return await server.Client.PostAsync(path, content);
    }

    private static async Task<(int Reason, string Comment)> SingleFailureAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = json.RootElement.GetProperty("00081198").GetProperty("Value")[0];
        var comment = item.TryGetProperty("00000902", out var c) ? c.GetProperty("Value")[0].GetString() ?? "" : "";
        return (item.GetProperty("00081197").GetProperty("Value")[0].GetInt32(), comment);
    }

    /// <summary>Every blob in the store is referenced by the index: a refused object left nothing behind.</summary>
    private async Task AssertNoOrphanBlobsAsync()
    {
        var referenced = await server.Folder.Index.ReferencedBlobIdsAsync(default);
        var store = Path.Combine(server.DataDirectory, "store");
        var files = Directory.Exists(store) ? Directory.GetFiles(store, "*", SearchOption.AllDirectories) : [];
        Assert.Equal(referenced.Count, files.Length);
    }

    private static byte[] WithNewIdentity(byte[] sound, out string sopInstanceUid)
    {
        using var file = DicomFile.Open(new MemoryStream(sound));
        sopInstanceUid = "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray().Append((byte)0).ToArray());
        file.Dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sopInstanceUid);
        file.Meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstanceUid);
        var ms = new MemoryStream();
        file.Save(ms);
        return ms.ToArray();
    }

    private static byte[] WithoutTrailingPadding(byte[] bytes)
    {
        using var file = DicomFile.Open(new MemoryStream(bytes));
        file.Dataset.Remove(new DicomTag(0xFFFC, 0xFFFC));
        var ms = new MemoryStream();
        file.Save(ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task DeflateBomb_OverStow_IsRefusedAndCostsLittleMemory()
    {
        var bomb = ProbeObjects.DeflateBomb();
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var response = await StowBytesAsync(bomb);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"BOMB: STOW answered {(int)response.StatusCode}, allocated {allocated / (1024 * 1024)} MiB");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var (reason, comment) = await SingleFailureAsync(response);
        Assert.Equal(0xC000, reason);
        Assert.Contains("limit", comment);
        Assert.True(allocated < 300L * 1024 * 1024, $"one bomb request allocated {allocated / (1024 * 1024)} MiB");
        Assert.Null(await server.Folder.Index.FindInstanceAsync("1.2.3.4.5.6.7.8.9", default));
        await AssertNoOrphanBlobsAsync();
    }

    [Fact]
    public async Task DeflateBomb_OverCStoreDeflated_IsRefused()
    {
        // Smaller than the STOW bomb (storescu inflates and deflates it again itself), still over the 64 MiB limit.
        var path = Path.Combine(server.DataDirectory, "bomb.dcm");
        await File.WriteAllBytesAsync(path, ProbeObjects.DeflateBomb(100L << 20));
        var store = Peers.Run("storescu", ["-v", "-xd", "-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, path]);
        var output = store.StdOut + store.StdErr;
        Assert.Contains("Deflated", output);
        Assert.True(output.Contains("Error: CannotUnderstand", StringComparison.Ordinal), output);
        Assert.Null(await server.Folder.Index.FindInstanceAsync("1.2.3.4.5.6.7.8.9", default));
        await AssertNoOrphanBlobsAsync();
    }

    public static TheoryData<string> Variants() => ["pixel-data-past-the-end", "trailing-garbage", "absurd-meta-group-length",
        "pixel-data-shorter-than-the-image", "unknown-transfer-syntax", "bad-first-fragment"];

    private static byte[] Variant(string name) => name == "bad-first-fragment"
        ? ProbeObjects.BadFirstFragment(Sample("JPEG2000.dcm"))
        : ProbeObjects.CorruptVariants(Sample("CT_small.dcm"))[name];

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task CorruptObject_OverStow_IsRefusedWithAReasonAndNothingStored(string variant)
    {
        var bytes = Variant(variant);
        using var parsed = DicomFile.Open(new MemoryStream(Sample(variant == "bad-first-fragment" ? "JPEG2000.dcm" : "CT_small.dcm")));
        var sop = parsed.Dataset.GetString(DicomTags.SOPInstanceUID)!;
        var response = await StowBytesAsync(bytes);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var (reason, comment) = await SingleFailureAsync(response);
        Assert.Equal(0xC000, reason);
        Assert.StartsWith("part 1: ", comment);
        Assert.Null(await server.Folder.Index.FindInstanceAsync(sop, default));
        await AssertNoOrphanBlobsAsync();
    }

    [Fact]
    public async Task CorruptObject_OverCStore_IsRefusedWithC000AndNothingStored()
    {
        var bytes = WithNewIdentity(ProbeObjects.CorruptVariants(Sample("CT_small.dcm"))["pixel-data-shorter-than-the-image"], out var sop);
        var path = Path.Combine(server.DataDirectory, "short-pixels.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        var store = Peers.Run("storescu", ["-v", "-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, path]);
        var output = store.StdOut + store.StdErr;
        Assert.True(output.Contains("Error: CannotUnderstand", StringComparison.Ordinal), output); // 0xC000
        Assert.Null(await server.Folder.Index.FindInstanceAsync(sop, default));
        await AssertNoOrphanBlobsAsync();
    }

    [Fact]
    public async Task StowToOneStudy_InstanceOfAnother_StoresNothingAndCreatesNoPatient()
    {
        var bytes = WithNewIdentity(Sample("MR_small.dcm"), out var sop);
        using (var file = DicomFile.Open(new MemoryStream(bytes)))
        {
            file.Dataset.SetString(DicomTags.PatientID, DicomVR.LO, "MISMATCH-PROBE");
            var ms = new MemoryStream();
            file.Save(ms);
            bytes = ms.ToArray();
        }
        var response = await StowBytesAsync(bytes, "/dicom-web/studies/1.2.3.999.1");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0xC409, (await SingleFailureAsync(response)).Reason);
        Assert.Null(await server.Folder.Index.FindInstanceAsync(sop, default));
        Assert.Null(await server.Folder.Patients.FindByDicomIdAsync("MISMATCH-PROBE", "", default));
        await AssertNoOrphanBlobsAsync();
    }

    [Fact]
    public async Task SameFile_ByCStoreThenStow_IsIdempotent()
    {
        // Without trailing padding, which storescu drops when it sends: the dataset on the wire is then the file's.
        var bytes = WithoutTrailingPadding(WithNewIdentity(Sample("CT_small.dcm"), out var sop));
        var path = Path.Combine(server.DataDirectory, "both-ways.dcm");
        await File.WriteAllBytesAsync(path, bytes);
        var store = Peers.Run("storescu", ["-v", "-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, path]);
        Assert.True(store.ExitCode == 0, store.StdErr);
        Assert.NotNull(await server.Folder.Index.FindInstanceAsync(sop, default));
        var response = await StowBytesAsync(bytes);
        Assert.True(response.StatusCode == HttpStatusCode.OK, store.StdErr + store.StdOut);
        // And the other way round with another instance.
        var second = WithoutTrailingPadding(WithNewIdentity(Sample("CT_small.dcm"), out _));
        Assert.Equal(HttpStatusCode.OK, (await StowBytesAsync(second)).StatusCode);
        await File.WriteAllBytesAsync(path, second);
        var again = Peers.Run("storescu", ["-v", "-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, path]);
        Assert.True(again.ExitCode == 0, again.StdErr);
        // storescu names the status it got: Success, not a refused duplicate (0x0111).
        Assert.Contains("Received Store Response (Success)", again.StdOut + again.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetrieveUrl_DoesNotEchoTheHostHeader()
    {
        var bytes = WithNewIdentity(Sample("CT_small.dcm"), out _);
        var content = new MultipartContent("related", "b1");
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(part);
        var request = new HttpRequestMessage(HttpMethod.Post, "/dicom-web/studies") { Content = content };
        request.Headers.Host = "evil.example:443";
        var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", text);
        Assert.Contains($"https://127.0.0.1:{server.BaseAddress.Port}/dicom-web/studies/", text);
        // The Retrieve URL names a resource that exists.
        using var json = JsonDocument.Parse(text);
        var url = json.RootElement.GetProperty("00081199").GetProperty("Value")[0].GetProperty("00081190").GetProperty("Value")[0].GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri(url).AbsolutePath + "/metadata")).StatusCode);
    }

    [Theory]
    [InlineData("pixel-data-past-the-end", new[] { "/metadata", "/frames/1", "/rendered", "/thumbnail" })]
    [InlineData("pixel-data-shorter-than-the-image", new[] { "/frames/1", "/rendered", "/thumbnail" })]
    public async Task StoredUnreadableObject_AnswersAProblemDetail_NeverACut200(string variant, string[] reads)
    {
        var bytes = WithNewIdentity(Sample("MR_small.dcm"), out _);
        using (var f = DicomFile.Open(new MemoryStream(bytes)))
        {
            // Its own patient, study and series, so nothing else shares the planted object's identity.
            f.Dataset.SetString(DicomTags.PatientID, DicomVR.LO, "PLANT-" + Guid.NewGuid().ToString("N")[..8]);
            f.Dataset.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true));
            f.Dataset.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true));
            var ms = new MemoryStream();
            f.Save(ms);
            bytes = ms.ToArray();
        }
        var a = await PlantedObjects.PlantAsync(server.Folder.Blobs, server.Folder.Keyring, server.Folder.Index, server.Folder.Patients, ProbeObjects.CorruptVariants(bytes)[variant]);
        var path = $"/dicom-web/studies/{a.StudyInstanceUid}/series/{a.SeriesInstanceUid}/instances/{a.SopInstanceUid}";
        foreach (var read in reads)
        {
            var response = await server.Client.GetAsync(path + read);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{read}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("cannot be read", body);
            Assert.Contains("enamel verify", body);
        }
    }

    /// <summary>Raw multipart bodies with framing faults: each answers a 4xx problem or failure list with security headers, never a 500.</summary>
    public static TheoryData<string> Faults() => ["truncated-part", "wrong-boundary", "lf-only", "long-boundary", "gzip-body",
        "no-close-delimiter", "good-then-truncated", "empty-body", "headers-only", "garbage-preamble-only"];

    private static (byte[] Body, string ContentType, string? Encoding) Fault(string name, byte[] dicom)
    {
        const string b = "BOUNDARY42";
        var ct = $"multipart/related; type=\"application/dicom\"; boundary={b}";
        byte[] Part(byte[] payload) => [.. Encoding.ASCII.GetBytes($"--{b}\r\nContent-Type: application/dicom\r\n\r\n"), .. payload, .. "\r\n"u8.ToArray()];
        var close = Encoding.ASCII.GetBytes($"--{b}--\r\n");
        return name switch
        {
            "truncated-part" => (Part(dicom)[..(dicom.Length / 2)], ct, null),
            "wrong-boundary" => ([.. Part(dicom), .. close], "multipart/related; type=\"application/dicom\"; boundary=OTHER", null),
            "lf-only" => (Encoding.ASCII.GetBytes($"--{b}\nContent-Type: application/dicom\n\n").Concat(dicom).Concat(Encoding.ASCII.GetBytes($"\n--{b}--\n")).ToArray(), ct, null),
            "long-boundary" => ([.. Part(dicom), .. close], $"multipart/related; type=\"application/dicom\"; boundary={new string('x', 5000)}", null),
            "gzip-body" => ([.. Part(dicom), .. close], ct, "gzip"),
            "no-close-delimiter" => (Part(dicom), ct, null),
            "good-then-truncated" => ([.. Part(dicom), .. Part(dicom)[..200]], ct, null),
            "empty-body" => ([], ct, null),
            "headers-only" => (Encoding.ASCII.GetBytes($"--{b}\r\nContent-Type: application/dicom\r\n"), ct, null),
            _ => ("this is not a multipart body at all"u8.ToArray(), ct, null),
        };
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task MalformedMultipart_AnswersAClearClientError(string fault)
    {
        var dicom = WithNewIdentity(Sample("CT_small.dcm"), out var sop);
        var (body, contentType, encoding) = Fault(fault, dicom);
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        var response = await server.Client.PostAsync("/dicom-web/studies", content);
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{fault}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
        var stored = await server.Folder.Index.FindInstanceAsync(sop, default);
        if (fault == "good-then-truncated")
        {
            // The good first part was stored, and the answer says so beside the failure of the second.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull(stored);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(sop, json.RootElement.GetProperty("00081199").GetProperty("Value")[0].GetProperty("00081155").GetProperty("Value")[0].GetString());
            Assert.Contains("part 2", json.RootElement.GetProperty("00081198").GetProperty("Value")[0].GetProperty("00000902").GetProperty("Value")[0].GetString());
        }
        else if (fault is not ("no-close-delimiter" or "lf-only")) Assert.Null(stored);
        await AssertNoOrphanBlobsAsync();
    }

    /// <summary>
    /// The probe's mutation fuzz: 300 seeded mutants of sound files, each with its own SOP Instance UID. Whatever is
    /// acknowledged must read back: metadata as JSON, frame 1 and the rendered image without a server error.
    /// </summary>
    [Fact]
    public async Task MutationFuzz_EveryAcknowledgedInstanceReadsBack()
    {
        int stored = 0, refused = 0;
        var unreadable = new List<string>();
        var sources = new[] { "CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm", "JPEG-lossy.dcm" };
        int n = 0;
        foreach (var source in sources)
        {
            var sound = WithNewIdentity(Sample(source), out _);
            foreach (var mutant in ProbeObjects.Mutations(sound, 60, seed: 11 + n++))
            {
                var unique = mutant;
                try { unique = WithNewIdentity(mutant, out _); }
                catch (Exception ex) when (ex is DicomFormatException or InvalidOperationException or DicomTextException) { }
                var response = await StowBytesAsync(unique);
                Assert.True((int)response.StatusCode < 500, $"{source}: STOW answered {(int)response.StatusCode}");
                if (response.StatusCode != HttpStatusCode.OK) { refused++; continue; }
                stored++;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                // Every read of what was acknowledged, at the URL its Retrieve URL names.
                var path = new Uri(json.RootElement.GetProperty("00081199").GetProperty("Value")[0].GetProperty("00081190").GetProperty("Value")[0].GetString()!).AbsolutePath;
                foreach (var read in new[] { "/metadata", "/frames/1", "/rendered" })
                {
                    try
                    {
                        var r = await server.Client.GetAsync(path + read);
                        var body = await r.Content.ReadAsStringAsync();
                        if ((int)r.StatusCode >= 500 || (read == "/metadata" && r.StatusCode != HttpStatusCode.OK)) unreadable.Add($"{source} {read} {(int)r.StatusCode}: {body}");
                        else if (read == "/metadata") JsonDocument.Parse(body).Dispose();
                    }
                    catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
                    {
                        unreadable.Add($"{source} {read} cut short: {ex.Message}");
                    }
                }
            }
        }
        output.WriteLine($"FUZZ: {stored + refused} mutants, stored {stored}, refused {refused}, failed reads of stored ones {unreadable.Count}");
        Assert.True(stored > 0 && refused > 0, $"stored {stored}, refused {refused}: the fuzz must exercise both");
        Assert.True(unreadable.Count == 0, $"{unreadable.Count} of {stored} acknowledged mutants do not read back:\n" + string.Join("\n", unreadable.Take(20)));
        await AssertNoOrphanBlobsAsync();
    }
}
