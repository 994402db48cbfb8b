using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// Documents in the record against a real server: a dentist files a PDF under clinical notes and gets the same bytes
/// back (as an attachment, never sniffed), nothing of it in the clear in the data folder; a receptionist files a
/// scanned consent form but cannot open the clinical one; content that is not what it claims, an empty upload, a
/// category outside the record, and a document smuggled in as a JSON entry are refused with nothing stored; a
/// revision keeps the content and cannot swap it.
/// </summary>
public class DocumentsApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static Task<long> PatientAsync(HttpClient desk) =>
        RecordClients.RegisterPatientAsync(desk, new { family = "Lam", given = "Wing" }, "1985-07-04", "M", "DOC-");

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static byte[] Pdf(string marker) => Encoding.ASCII.GetBytes($"%PDF-1.4\n% {marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static async Task<int> DocumentCountAsync(HttpClient client, long patient) =>
        (await RecordClients.JsonAsync(await client.GetAsync($"/api/patients/{patient}/entries?kind=document"))).GetProperty("total").GetInt32();

    [Fact]
    public async Task Dentist_FilesAPdf_AndReadsTheSameBytes_NothingInTheClear()
    {
        using var desk = await server.ClientAsync("receptionist");
        using var dentist = await server.ClientAsync("dentist");
        long patient = await PatientAsync(desk);
        var marker = "ENAMEL-DOC-" + Guid.NewGuid().ToString("N");
        var pdf = Pdf(marker);

        var filed = await dentist.PostAsync($"/api/patients/{patient}/documents?title=Referral%20letter&category=ClinicalNotes&date=2026-02-01&tooth=36&reason=scanned", Content(pdf, "application/pdf"));
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var entry = await RecordClients.JsonAsync(filed);
        var id = entry.GetProperty("id").GetString()!;
        var body = entry.GetProperty("body");
        Assert.Equal(("document", "ClinicalNotes", pdf.Length, "36"), (body.GetProperty("kind").GetString(), entry.GetProperty("category").GetString(),
            (int)body.GetProperty("size").GetInt64(), body.GetProperty("tooth").GetString()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), body.GetProperty("sha256").GetString());

        var content = await dentist.GetAsync($"/api/entries/document/{id}/content");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal(pdf, await content.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", content.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", content.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("nosniff", content.Headers.GetValues("X-Content-Type-Options").Single());

        // The content is an encrypted blob and the entry a sealed row: the marker is nowhere in the data folder.
        foreach (var file in Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(file); } catch (IOException) { continue; }
            Assert.True(bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker)) < 0, $"the document is in the clear in {file}");
        }

        // A revision changes the title, keeps the content; swapping the content is refused.
        var revised = body.Clone();
        var json = JsonSerializer.Serialize(revised).Replace("Referral letter", "Referral letter (Dr Chan)");
        var put = await dentist.PutAsync($"/api/entries/document/{id}", new StringContent($"{{\"version\":1,\"reason\":\"title\",\"body\":{json}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var swapped = json.Replace(body.GetProperty("blobKey").GetString()!, new string('a', 32));
        var swap = await dentist.PutAsync($"/api/entries/document/{id}", new StringContent($"{{\"version\":2,\"reason\":\"swap\",\"body\":{swapped}}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, swap.StatusCode);
        Assert.Equal(pdf, await dentist.GetByteArrayAsync($"/api/entries/document/{id}/content"));
    }

    [Fact]
    public async Task Receptionist_FilesAConsentForm_ButCannotOpenAClinicalDocument()
    {
        using var desk = await server.ClientAsync("receptionist");
        using var dentist = await server.ClientAsync("dentist");
        long patient = await PatientAsync(desk);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3 };
        var consent = await desk.PostAsync($"/api/patients/{patient}/documents?title=Consent&category=Demographics&date=2026-02-01", Content(png, "image/png"));
        Assert.Equal(HttpStatusCode.Created, consent.StatusCode);

        var clinical = await dentist.PostAsync($"/api/patients/{patient}/documents?title=Photo&category=ClinicalNotes&date=2026-02-01", Content(png, "image/png"));
        Assert.Equal(HttpStatusCode.Created, clinical.StatusCode);
        var clinicalId = (await RecordClients.JsonAsync(clinical)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/entries/document/{clinicalId}/content")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/entries/document/{clinicalId}")).StatusCode);
        // Filing under a category the role does not write is refused too.
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostAsync($"/api/patients/{patient}/documents?title=Note&category=ClinicalNotes&date=2026-02-01", Content(png, "image/png"))).StatusCode);
        // The receptionist's list holds the consent form only.
        var listed = (await RecordClients.JsonAsync(await desk.GetAsync($"/api/patients/{patient}/entries?kind=document"))).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("body").GetProperty("title").GetString()).ToList();
        Assert.Equal(["Consent"], listed);
    }

    [Fact]
    public async Task BadUploads_AreRefused_WithNothingStored()
    {
        using var desk = await server.ClientAsync("receptionist");
        using var dentist = await server.ClientAsync("dentist");
        long patient = await PatientAsync(desk);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1 };
        string Url(string category = "ClinicalNotes", string date = "2026-02-01", string title = "Scan") =>
            $"/api/patients/{patient}/documents?title={title}&category={category}&date={date}";

        async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string says)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        await RefusedAsync(await dentist.PostAsync(Url(), Content(png, "application/pdf")), HttpStatusCode.BadRequest, "not application/pdf");
        await RefusedAsync(await dentist.PostAsync(Url(), Content([], "application/pdf")), HttpStatusCode.BadRequest, "empty");
        await RefusedAsync(await dentist.PostAsync(Url(category: "Audit"), Content(Pdf("x"), "application/pdf")), HttpStatusCode.BadRequest, "category");
        await RefusedAsync(await dentist.PostAsync(Url(category: "7"), Content(Pdf("x"), "application/pdf")), HttpStatusCode.BadRequest, "category");
        await RefusedAsync(await dentist.PostAsync(Url(date: "2026-13-01"), Content(Pdf("x"), "application/pdf")), HttpStatusCode.BadRequest, "date");
        await RefusedAsync(await dentist.PostAsync(Url(title: ""), Content(Pdf("x"), "application/pdf")), HttpStatusCode.BadRequest, "title");
        await RefusedAsync(await dentist.PostAsync(Url(), Content(Pdf("x"), "text/html")), HttpStatusCode.BadRequest, "content type");
        // A document entry sent as JSON (naming a blob of its choosing) is refused: documents are filed by upload.
        var smuggled = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new
        {
            reason = "x",
            body = new { kind = "document", title = "t", filed = "ClinicalNotes", on = "2026-02-01", contentType = "application/pdf", blobKey = new string('b', 32), size = 10, sha256 = new string('0', 64), tooth = "", bodyPart = "", status = "current" },
        });
        await RefusedAsync(smuggled, HttpStatusCode.BadRequest, "upload");
        Assert.Equal(0, await DocumentCountAsync(dentist, patient));
    }
}
