using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// A prescription printed as PDF, read back by Ghostscript (a reader nobody here wrote): the text it extracts holds
/// the medication, dose, the patient's Chinese name and the labels in the request's language; only a role with
/// TreatmentRecords:Export prints (billing reads treatment but does not print it); a withdrawn one does not print.
/// </summary>
public class PrescriptionPdfTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string TextOf(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"rx-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            var gs = Peers.Run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=txtwrite", "-sOutputFile=-", file);
            Assert.True(gs.ExitCode == 0, $"Ghostscript could not read the PDF: {gs}");
            // The CJK font shares glyphs between ideographs and Kangxi radicals (方 and ⽅): the PDF's ToUnicode map may name
            // the radical, which NFKC folds back to the ideograph a reader would search for.
            return gs.StdOut.Normalize(System.Text.NormalizationForm.FormKC);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task Dentist_PrintsAPrescription_GhostscriptReadsIt_InTheRequestsLanguage()
    {
        using var desk = await server.ClientAsync("receptionist");
        using var dentist = await server.ClientAsync("dentist");
        long patient = await RecordClients.RegisterPatientAsync(desk, new { family = "Chan", given = "Tai Man", ideographic = new { family = "陳", given = "大文" } }, "1980-02-29", "M", "RX-");
        var rx = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new
        {
            reason = "after extraction of 38",
            body = new
            {
                kind = "prescription",
                drug = new { system = "http://www.nlm.nih.gov/research/umls/rxnorm", code = "308191", display = "Amoxicillin 500 MG Oral Capsule" },
                dose = "500 mg", route = "oral", frequency = "three times a day", durationDays = 5, quantity = "15 capsules",
                prescriber = "dr-chan", written = "2026-02-01", status = "active", note = "",
            },
        });
        Assert.Equal(HttpStatusCode.Created, rx.StatusCode);
        var id = (await RecordClients.JsonAsync(rx)).GetProperty("id").GetString();

        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/entries/prescription/{id}/pdf");
        request.Headers.AcceptLanguage.ParseAdd("zh-HK");
        var pdf = await dentist.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        var text = TextOf(bytes);
        foreach (var expected in new[] { "Amoxicillin 500 MG Oral Capsule", "500 mg", "three times a day", "15 capsules", "1980-02-29", "處方", "藥物", "陳大文" })
            Assert.Contains(expected, text);

        var english = TextOf(await dentist.GetByteArrayAsync($"/api/entries/prescription/{id}/pdf"));
        Assert.Contains("Prescription", english);
        Assert.Contains("Medication", english);
    }

    [Fact]
    public async Task OnlyAnExportingRole_Prints_AndAWithdrawnPrescriptionDoesNot()
    {
        using var desk = await server.ClientAsync("receptionist");
        using var dentist = await server.ClientAsync("dentist");
        using var billing = await server.ClientAsync("billing");
        long patient = await RecordClients.RegisterPatientAsync(desk, new { family = "Wong", given = "Mei" }, "1975-01-01", "F", "RX-");
        var rx = await dentist.PostAsJsonAsync($"/api/patients/{patient}/entries", new
        {
            reason = "pain",
            body = new
            {
                kind = "prescription", drug = new { system = "", code = "", display = "Ibuprofen 400 mg tablet" },
                dose = "400 mg", route = "oral", frequency = "every 8 hours as needed", durationDays = 3, quantity = "9 tablets",
                prescriber = "dr-chan", written = "2026-02-01", status = "active", note = "with food",
            },
        });
        Assert.Equal(HttpStatusCode.Created, rx.StatusCode);
        var id = (await RecordClients.JsonAsync(rx)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync($"/api/entries/prescription/{id}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await billing.GetAsync($"/api/entries/prescription/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync($"/api/entries/prescription/{id}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dentist.GetAsync($"/api/entries/prescription/{new string('0', 32)}/pdf")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await dentist.PostAsJsonAsync($"/api/entries/prescription/{id}/entered-in-error", new { reason = "wrong patient" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await dentist.GetAsync($"/api/entries/prescription/{id}/pdf")).StatusCode);
    }
}
