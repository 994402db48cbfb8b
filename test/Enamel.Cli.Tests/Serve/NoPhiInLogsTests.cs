using System.Net;
using System.Net.Http.Headers;
using Enamel.Dicom;
using Enamel.TestShared;

namespace Enamel.Cli.Tests.Serve;

/// <summary>
/// "No patient data in application logs": the real `enamel serve`, with its own categories at Debug, is driven through
/// successful and failing STOW, QIDO, WADO and DIMSE requests that carry distinctive patient data; its whole console
/// output must not contain any of it.
/// </summary>
public sealed class NoPhiInLogsTests : IDisposable
{
    private const string Name = "Zzyzx^Quintessa";
    private const string Id = "PHI-7731-XQ";
    private const string BirthDate = "19730512";
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task ServerConsole_NeverShowsPatientData_OnSuccessOrFailure()
    {
        var data = Path.Combine(dir, "data");
        var file = Path.Combine(dir, "phi.dcm");
        using (var f = DicomFile.Open(Enamel.Sample("CT_small.dcm")))
        {
            f.Dataset.SetString(DicomTags.PatientName, DicomVR.PN, Name);
            f.Dataset.SetString(DicomTags.PatientID, DicomVR.LO, Id);
            f.Dataset.SetString(DicomTags.PatientBirthDate, DicomVR.DA, BirthDate);
            f.Save(file);
        }
        Enamel.AddUser(data, "dr-logs", "dentist");
        var token = Enamel.Run("tokens", "create", "--user", "dr-logs", "--name", "logs", "--scope", "Imaging:Read", "Imaging:Create", "--data", data).StdOut.Trim();

        using var server = ServeProcess.Start(data, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Debug",
            ["Enamel__DicomAes__0__AeTitle"] = "MODALITY",
            ["Enamel__DicomAes__0__User"] = "dr-logs",
        });
        await server.WaitUntilListeningAsync();
        using var http = server.Client(token);

        // STOW: accepted, then a conflicting re-store (same UID, other patient data) and a broken part.
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/dicom-web/studies", Stow(await File.ReadAllBytesAsync(file)))).StatusCode);
        var conflicting = await File.ReadAllBytesAsync(file);
        Array.Reverse(conflicting, conflicting.Length - 64, 64);
        await http.PostAsync("/dicom-web/studies", Stow(conflicting));
        await http.PostAsync("/dicom-web/studies", Stow([.. "DICM"u8, .. System.Text.Encoding.ASCII.GetBytes(Name + Id)]));
        // QIDO: matching, malformed and unknown keys, all carrying patient data.
        await http.GetAsync($"/dicom-web/studies?PatientName={Uri.EscapeDataString(Name)}&PatientID={Id}");
        await http.GetAsync($"/dicom-web/studies?PatientBirthDate={BirthDate}-notadate&PatientName={Uri.EscapeDataString(Name)}");
        await http.GetAsync($"/dicom-web/studies?NotAKeyword={Id}");
        await http.GetAsync($"/wado?requestType=WADO&studyUID={Id}&seriesUID={Id}&objectUID={Id}");
        using (var anonymous = server.Client(Id)) await anonymous.GetAsync($"/dicom-web/studies?PatientID={Id}"); // a bad token naming the patient
        // DIMSE: a mapped and an unmapped AE search by patient name and ID; the unmapped one also tries to store.
        Enamel.RunTool("findscu", "-S", "-aet", "MODALITY", "-aec", "ENAMEL", "127.0.0.1", server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"PatientName={Name}", "-k", $"PatientID={Id}");
        Enamel.RunTool("findscu", "-S", "-aet", "STRANGER", "-aec", "ENAMEL", "127.0.0.1", server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", "QueryRetrieveLevel=STUDY", "-k", $"PatientName={Name}");
        Enamel.RunTool("storescu", "-aet", "STRANGER", "-aec", "ENAMEL", "127.0.0.1", server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), file);

        // The console logger writes from a queue: wait until the last action's lines (the unmapped AE's refused C-STORE and
        // the release of its association) are out.
        Assert.True(await Poll.UntilAsync(() => server.Output.Split('\n') is var lines
                && lines.Any(l => l.Contains("C-STORE", StringComparison.Ordinal) && l.Contains("status 0x0124", StringComparison.Ordinal))
                && lines.Count(l => l.Contains("released by STRANGER", StringComparison.Ordinal)) == 2),
            "the server never logged the refused C-STORE's association ending:\n" + server.Output);
        await server.KillAsync();
        var output = server.Output;
        Assert.Contains("Now listening", output, StringComparison.OrdinalIgnoreCase); // the log was captured: the test saw the server talk
        foreach (var phi in new[] { Name, Name.Replace('^', ' '), "Zzyzx", "Quintessa", Id, BirthDate })
            Assert.False(output.Contains(phi, StringComparison.OrdinalIgnoreCase), $"the server's console shows patient data '{phi}':\n{output}");
    }

    private static MultipartContent Stow(byte[] part)
    {
        var content = new MultipartContent("related", "b" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var body = new ByteArrayContent(part);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        content.Add(body);
        return content;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
