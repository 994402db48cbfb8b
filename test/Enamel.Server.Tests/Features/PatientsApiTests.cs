using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Dicom;
using Enamel.TestShared;

namespace Enamel.Server.Tests.Features;

/// <summary>
/// The patient JSON API against a real server: a receptionist registers a patient before any image, staff find them,
/// the image a modality sends with the chart number lands in that record, amendments are versioned, merges keep aliases,
/// and every refusal is the status a client can act on.
/// </summary>
public class PatientsApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] All = [.. Enamel.Core.Access.Operation.All.Select(o => o.ToString())];

    private async Task<HttpClient> ClientAsync(string role, string clinic = "main")
    {
        var token = await server.CreateTokenAsync(role, $"{role}-{Guid.NewGuid():N}"[..24], All, clinic);
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static object Registration(string chart, string family = "Chan", string given = "Tai Man", string hkid = "") => new
    {
        clinic = "main",
        demographics = new
        {
            name = new { family, given, ideographic = new { family = "陳", given = "大文" } },
            birthDate = "1980-02-14",
            sex = "M",
            contacts = new object[] { new { kind = "phone", value = "+852 9123 4567", use = "mobile" } },
            preferredLanguage = "zh-Hant",
        },
        identifiers = hkid.Length == 0
            ? new object[] { new { type = "chartNumber", value = chart } }
            : new object[] { new { type = "chartNumber", value = chart }, new { type = "hongKongId", value = hkid } },
        reason = "first visit",
    };

    /// <summary>A small intra-oral image as a sensor sends it under <paramref name="patientId"/>, written beside the data folder.</summary>
    private (string Study, string File) IntraOral(string patientId, string name, string studyDescription = "", string seriesDescription = "")
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        var study = "1.2.826.0.1.3680043.10.1234." + Random.Shared.NextInt64(1, long.MaxValue);
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, study + ".1.1");
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, study + ".1");
        ds.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
        ds.SetString(DicomTags.PatientName, DicomVR.PN, name);
        if (studyDescription.Length > 0) ds.SetString(DicomTags.StudyDescription, DicomVR.LO, studyDescription);
        if (seriesDescription.Length > 0) ds.SetString(DicomTags.SeriesDescription, DicomVR.LO, seriesDescription);
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetGreyImage(16, 16);
        var file = Path.Combine(server.DataDirectory, "..", patientId + ".dcm");
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(file);
        return (study, file);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Receptionist_Registers_StaffFind_ImageLandsInTheRecord()
    {
        using var desk = await ClientAsync("receptionist");
        var chart = "API-" + Guid.NewGuid().ToString("N")[..8];
        var created = await desk.PostAsJsonAsync("/api/patients", Registration(chart));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var patient = await JsonAsync(created);
        long key = patient.GetProperty("key").GetInt64();
        Assert.Equal($"/api/patients/{key}", created.Headers.Location!.OriginalString);
        Assert.Equal("Chan^Tai Man=陳^大文", patient.GetProperty("name").GetProperty("dicom").GetString());
        Assert.Equal("19800214", patient.GetProperty("birthDate").GetString());
        // The chart number is the Patient ID modalities are given, unless one is named.
        Assert.Contains(patient.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("type").GetString() == "dicomPatientId" && i.GetProperty("value").GetString() == chart);

        using var dentist = await ClientAsync("dentist");
        var found = await JsonAsync(await dentist.GetAsync("/api/patients?q=" + Uri.EscapeDataString("陳大")));
        Assert.Contains(found.EnumerateArray(), p => p.GetProperty("key").GetInt64() == key);
        found = await JsonAsync(await dentist.GetAsync("/api/patients?q=" + chart.ToLowerInvariant()));
        Assert.Equal(key, Assert.Single(found.EnumerateArray()).GetProperty("key").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await dentist.GetAsync($"/api/patients/{key}")).StatusCode);

        // The intra-oral image the sensor sends under the chart number belongs to the registered patient.
        var (study, file) = IntraOral(chart, "CHAN^TAI MAN");
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(file)).StatusCode);
        Assert.Equal(key, (await server.Folder.Index.FindStudyPatientAsync(study, default))!.PatientKey);
        var qido = await JsonAsync(await dentist.GetAsync($"/dicom-web/studies?PatientID={chart}"));
        // QIDO answers with the registered record's name (sealed at rest), not the header's upper-case spelling.
        var pn = Assert.Single(qido.EnumerateArray()).GetProperty("00100010").GetProperty("Value")[0];
        Assert.Equal("Chan^Tai Man", pn.GetProperty("Alphabetic").GetString());
        Assert.Equal("陳^大文", pn.GetProperty("Ideographic").GetString());

        // Registration is audited under the new patient.
        var audit = await server.Folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = key }, default);
        Assert.Contains(audit, r => r.Event.Detail == "patient-registered" && r.Event.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task Refusals_AreStatusesAClientCanActOn()
    {
        using var desk = await ClientAsync("receptionist");
        using var hygienist = await ClientAsync("hygienist");
        var chart = "REF-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Forbidden, (await hygienist.PostAsJsonAsync("/api/patients", Registration(chart))).StatusCode);
        var badHkid = await desk.PostAsJsonAsync("/api/patients", Registration(chart, hkid: "A1234560"));
        Assert.Equal(HttpStatusCode.BadRequest, badHkid.StatusCode);
        Assert.Contains("check digit", (await JsonAsync(badHkid)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType,
            (await desk.PostAsync("/api/patients", new StringContent("family=Chan", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await desk.PostAsync("/api/patients", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await desk.PostAsJsonAsync("/api/patients", Registration(chart))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await desk.PostAsJsonAsync("/api/patients", Registration(chart, "Wong", "Siu Ming"))).StatusCode);
        // Another clinic's receptionist neither finds nor reads them.
        using var north = await ClientAsync("receptionist", "north");
        Assert.Empty((await JsonAsync(await north.GetAsync("/api/patients?q=" + chart))).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync("/api/patients/999999999")).StatusCode);
    }

    [Fact]
    public async Task GetAndAmend_TheGatesDecisionIsTheVerbs_OneDecisionEntryPerRequest()
    {
        using var desk = await ClientAsync("receptionist");
        var chart = "ONE-" + Guid.NewGuid().ToString("N")[..8];
        var key = (await JsonAsync(await desk.PostAsJsonAsync("/api/patients", Registration(chart)))).GetProperty("key").GetInt64();
        async Task<List<AuditEvent>> TrailAsync() =>
            [.. (await server.Folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = key, Limit = 1000 }, default)).Select(r => r.Event)];
        var before = (await TrailAsync()).Count;

        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync($"/api/patients/{key}")).StatusCode);
        var read = (await TrailAsync()).Skip(before).ToList();
        var decision = Assert.Single(read); // the gate's; the verb acted on it
        Assert.Equal("Read", decision.Action.Text);
        Assert.Equal(AuditOutcome.Success, decision.Outcome);

        var amend = new
        {
            version = 1,
            demographics = new { name = new { family = "Chan", given = "Tai-man" }, birthDate = "19800214", sex = "M" },
            reason = "spelling",
        };
        Assert.Equal(HttpStatusCode.OK, (await desk.PutAsJsonAsync($"/api/patients/{key}", amend)).StatusCode);
        var amended = (await TrailAsync()).Skip(before + read.Count).ToList();
        // One decision (the gate's) and the change's own entry, committed with the new version.
        Assert.Equal(2, amended.Count);
        Assert.All(amended, e => Assert.Equal("Amend", e.Action.Text));
        Assert.Single(amended, e => e.Detail == "demographics-version 2");
    }

    [Fact]
    public async Task Amend_IsVersioned_Merge_KeepsTheOldIdAsAlias()
    {
        using var desk = await ClientAsync("receptionist");
        var chart = "AM-" + Guid.NewGuid().ToString("N")[..8];
        var key = (await JsonAsync(await desk.PostAsJsonAsync("/api/patients", Registration(chart)))).GetProperty("key").GetInt64();
        var amend = new
        {
            version = 1,
            demographics = new { name = new { family = "Chan", given = "Tai-man" }, birthDate = "19800214", sex = "M" },
            reason = "spelling as on the HKID",
        };
        Assert.Equal(HttpStatusCode.OK, (await desk.PutAsJsonAsync($"/api/patients/{key}", amend)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await desk.PutAsJsonAsync($"/api/patients/{key}", amend)).StatusCode); // stale version
        var history = await JsonAsync(await desk.GetAsync($"/api/patients/{key}/history"));
        Assert.Equal([1, 2], history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("spelling as on the HKID", history[1].GetProperty("reason").GetString());

        var dupChart = "DUP-" + Guid.NewGuid().ToString("N")[..8];
        var dup = (await JsonAsync(await desk.PostAsJsonAsync("/api/patients", Registration(dupChart)))).GetProperty("key").GetInt64();
        Assert.Equal(HttpStatusCode.BadRequest, (await desk.PostAsJsonAsync($"/api/patients/{key}/merge", new { merged = dup })).StatusCode); // no reason
        var merged = await desk.PostAsJsonAsync($"/api/patients/{key}/merge", new { merged = dup, reason = "registered twice" });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Contains((await JsonAsync(merged)).GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("alias").GetBoolean() && i.GetProperty("value").GetString() == dupChart);
        Assert.Equal(key, (await server.Folder.Patients.FindByDicomIdAsync(dupChart, "", default))!.Key);
        var old = await JsonAsync(await desk.GetAsync($"/api/patients/{dup}"));
        Assert.Equal("merged", old.GetProperty("status").GetString());
        Assert.Equal(key, old.GetProperty("mergedInto").GetInt64());
    }

    /// <summary>
    /// The check: grepping every file of the server's data folder for a stored patient's name, Patient ID, study
    /// description (and the rest of what the desk typed) finds nothing, while the server answers searches on all of them.
    /// </summary>
    [Fact]
    public async Task DataFolder_HoldsNoPatientValueInTheClear()
    {
        using var desk = await ClientAsync("receptionist");
        var chart = "GREP-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var family = "Ostrowska" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await desk.PostAsJsonAsync("/api/patients", Registration(chart, family, "Wilhelmina"))).StatusCode);
        var description = "ENDODONTIC REVIEW " + chart;
        var (study, file) = IntraOral(chart, family + "^Wilhelmina", description, "SERIES " + family);
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(file)).StatusCode);
        File.Delete(file);
        using var dentist = await ClientAsync("dentist");
        var qido = await JsonAsync(await dentist.GetAsync($"/dicom-web/studies?PatientName={family}*&StudyDescription=ENDODONTIC*"));
        Assert.Equal(study, Assert.Single(qido.EnumerateArray()).GetProperty("0020000D").GetProperty("Value")[0].GetString());

        var values = new[] { chart, family, "Wilhelmina", description, "SERIES " + family, "91234567", "9123 4567" };
        foreach (var path in Directory.EnumerateFiles(server.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (IOException) { continue; } // a file being replaced right now (tmp → rename)
            foreach (var v in values)
            {
                Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(v)) >= 0, $"'{v}' is in the clear in {Path.GetRelativePath(server.DataDirectory, path)}");
                Assert.False(bytes.AsSpan().IndexOf(System.Text.Encoding.Unicode.GetBytes(v)) >= 0, $"'{v}' (UTF-16) is in the clear in {Path.GetRelativePath(server.DataDirectory, path)}");
            }
        }
    }
}
