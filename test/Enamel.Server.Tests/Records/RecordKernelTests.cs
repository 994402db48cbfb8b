using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Enamel.Core.Audit;
using Enamel.Dicom;
using Enamel.Dicom.Network;
using Enamel.Server.Access;
using Enamel.Server.Tests.Access;

namespace Enamel.Server.Tests.Records;

/// <summary>
/// The record kernel over HTTP: the gate finds the owner of a route's item through the resolver of its kind (series and
/// instance routes decide for their own patient, out of reach answers like not found), an item's history lists its
/// versions, and entered-in-error withdraws an instance from QIDO and WADO while its history still shows it.
/// </summary>
public class RecordKernelTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Imaging = ["Imaging:Create", "Imaging:Read", "Imaging:Amend"];

    private static string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(HttpClient Client, string UserId)> AccountAsync(string role, string clinic, params string[] scope)
    {
        var (user, secret) = await Reach.AccountAsync(server, Name(role), role, [clinic], scope.Length > 0 ? scope : Imaging);
        return (Reach.Client(server, secret), user.Id);
    }

    private async Task<Reach.Instance> StoreAsync(HttpClient client)
    {
        var x = Reach.NewStudy();
        var response = await Reach.StowAsync(client, "", x);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"STOW: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return x;
    }

    private async Task<List<AuditRecord>> TrailAsync(string objectPrefix) =>
        [.. await server.Folder.Security.Audit.QueryAsync(new AuditQuery { ObjectPrefix = objectPrefix, Limit = AuditQuery.MaxLimit }, default)];

    [Fact]
    public async Task SeriesAndInstanceRoutes_DecideForTheirOwnPatient_OutOfReachAnswersLikeNotFound()
    {
        var (main, _) = await AccountAsync("dentist", "main");
        var (north, northId) = await AccountAsync("dentist", "north");
        var x = await StoreAsync(main);
        var northOwn = await StoreAsync(north);
        var patientKey = await Reach.PatientKeyAsync(server, x);
        var instance = $"/dicom-web/studies/{x.Study}/series/{x.Series}/instances/{x.Sop}";
        var series = $"/dicom-web/studies/{x.Study}/series/{x.Series}";
        var wado = $"/wado?requestType=WADO&studyUID={x.Study}&seriesUID={x.Series}&objectUID={x.Sop}&contentType=application/dicom";

        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync(instance + "/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync(series + "/metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync(wado)).StatusCode);

        // Another clinic's dentist: each route is answered exactly as the same route naming an instance (series) that does not exist.
        foreach (var path in new[] { instance, instance + "/metadata", instance + "/rendered", wado, $"/api/records/instance/{x.Sop}/history" })
            await Reach.AssertAnsweredLikeNonexistentAsync(north, path, x.Sop);
        foreach (var path in new[] { series, series + "/metadata", $"/api/records/series/{x.Series}/history" })
            await Reach.AssertAnsweredLikeNonexistentAsync(north, path, x.Series);
        var notFound = await north.GetAsync(instance + "/metadata");
        Assert.Contains(AccessGate.NotFoundOrNotYours, await notFound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Naming one's own study in the route does not open another patient's instance under it: the instance decides.
        Assert.Equal(HttpStatusCode.NotFound, (await north.GetAsync($"/dicom-web/studies/{northOwn.Study}/series/{x.Series}/instances/{x.Sop}/metadata")).StatusCode);

        // The decisions named the instance and were made for its patient (found instance → patient, not through the study route value).
        var decided = await TrailAsync("Imaging instance " + x.Sop);
        Assert.Contains(decided, r => r.Event.ActorId == northId && r.Event.Outcome == AuditOutcome.Denied && r.Event.PatientKey == patientKey);
        Assert.Contains(decided, r => r.Event.ActorId != northId && r.Event.Outcome == AuditOutcome.Success && r.Event.PatientKey == patientKey);
        Assert.Contains(await TrailAsync("Imaging series " + x.Series), r => r.Event.ActorId == northId && r.Event.PatientKey == patientKey);
    }

    [Fact]
    public async Task History_AfterStore_ShowsVersion1_WithAuthorTimeAndReason()
    {
        var (main, mainId) = await AccountAsync("dentist", "main");
        var x = await StoreAsync(main);
        using var doc = JsonDocument.Parse(await main.GetStringAsync($"/api/records/instance/{x.Sop}/history"));
        Assert.Equal(("instance", x.Sop), (doc.RootElement.GetProperty("kind").GetString(), doc.RootElement.GetProperty("id").GetString()));
        var v1 = Assert.Single(doc.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal(1, v1.GetProperty("number").GetInt32());
        Assert.Equal(mainId, v1.GetProperty("author").GetString());
        Assert.Equal("received via STOW-RS", v1.GetProperty("reason").GetString());
        Assert.Equal("current", v1.GetProperty("status").GetString());
        Assert.True(DateTimeOffset.UtcNow - v1.GetProperty("time").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
        // A kind without recorded versions yet still answers for an item that exists (and 404 for one that does not).
        Assert.Empty(JsonDocument.Parse(await main.GetStringAsync($"/api/records/study/{x.Study}/history")).RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await main.GetAsync($"/api/records/study/{Reach.NewStudy().Study}/history")).StatusCode);
        // Reading history is Read on the item's category: a receptionist (no imaging) is refused.
        var (front, _) = await AccountAsync("receptionist", "main", "Imaging:Read", "Demographics:Read");
        Assert.Equal(HttpStatusCode.Forbidden, (await front.GetAsync($"/api/records/instance/{x.Sop}/history")).StatusCode);
    }

    [Fact]
    public async Task EnteredInError_HidesTheInstanceFromQidoAndWado_HistoryShowsIt_RefusedWithoutAmend_Audited()
    {
        var (main, mainId) = await AccountAsync("dentist", "main");
        var (hygienist, hygienistId) = await AccountAsync("hygienist", "main");
        var (north, _) = await AccountAsync("dentist", "north");
        var x = await StoreAsync(main);
        var keep = await StoreAsync(main); // another instance of the same dentist stays visible
        var mark = $"/api/records/instance/{x.Sop}/entered-in-error";
        var instance = $"/dicom-web/studies/{x.Study}/series/{x.Series}/instances/{x.Sop}";

        // The hygienist's role has no Amend on imaging (the token scope would allow it): refused, nothing changes.
        Assert.Equal(HttpStatusCode.Forbidden, (await hygienist.PostAsJsonAsync(mark, new { reason = "wrong patient" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await north.PostAsJsonAsync(mark, new { reason = "wrong patient" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await main.PostAsJsonAsync(mark, new { reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await main.PostAsync(mark, new StringContent("reason=wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync(instance)).StatusCode);

        var marked = await main.PostAsJsonAsync(mark, new { reason = "wrong patient" });
        Assert.True(marked.StatusCode == HttpStatusCode.OK, $"{(int)marked.StatusCode} {await marked.Content.ReadAsStringAsync()}");
        Assert.Equal("entered-in-error", JsonDocument.Parse(await marked.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await main.PostAsJsonAsync(mark, new { reason = "again" })).StatusCode);

        // Withdrawn from WADO-RS, WADO-URI and QIDO …
        foreach (var path in new[] { instance, instance + "/metadata", $"/dicom-web/studies/{x.Study}/series/{x.Series}/instances/{x.Sop}/frames/1",
            $"/wado?requestType=WADO&studyUID={x.Study}&seriesUID={x.Series}&objectUID={x.Sop}&contentType=application/dicom" })
            Assert.True((await main.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, path);
        foreach (var path in new[] { $"/dicom-web/instances?SOPInstanceUID={x.Sop}", $"/dicom-web/studies/{x.Study}/instances", "/dicom-web/instances?limit=100000" })
            Assert.DoesNotContain(x.Sop, await (await main.GetAsync(path)).Content.ReadAsStringAsync());
        Assert.Contains(keep.Sop, await main.GetStringAsync("/dicom-web/instances?limit=100000"));
        Assert.Equal(HttpStatusCode.OK, (await main.GetAsync($"/dicom-web/studies/{keep.Study}/series/{keep.Series}/instances/{keep.Sop}")).StatusCode);

        // … still stored, and its history shows it to whoever may read it (the hygienist reads imaging).
        Assert.NotNull(await server.Folder.Index.FindInstanceAsync(x.Sop, default));
        using var history = JsonDocument.Parse(await hygienist.GetStringAsync($"/api/records/instance/{x.Sop}/history"));
        var v1 = Assert.Single(history.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal(("entered-in-error", mainId), (v1.GetProperty("status").GetString(), v1.GetProperty("author").GetString()));
        Assert.Equal(("wrong patient", mainId), (v1.GetProperty("changed").GetProperty("reason").GetString(), v1.GetProperty("changed").GetProperty("author").GetString()));

        // Audited: the refusal, the decision and the change, each naming the instance.
        var trail = await TrailAsync("Imaging instance " + x.Sop);
        Assert.Contains(trail, r => r.Event.ActorId == hygienistId && r.Event.Action == "Amend" && r.Event.Outcome == AuditOutcome.Denied);
        Assert.Contains(trail, r => r.Event.ActorId == mainId && r.Event.Action == "Amend" && r.Event.Outcome == AuditOutcome.Success && r.Event.Detail == "entered-in-error version 1");
    }

    [Fact]
    public async Task EnteredInError_IsNeitherFoundByCFind_NorRetrievedByCGet()
    {
        var (main, _) = await AccountAsync("dentist", "main");
        var x = await StoreAsync(main);
        var client = new DicomClientOptions { Port = server.DicomPort, CalledAeTitle = "ENAMEL", CallingAeTitle = "GETSCU",
            TempDirectory = Path.Combine(server.DataDirectory, "..", "scu-" + Guid.NewGuid().ToString("N")) };
        string find = DicomUids.StudyRootQueryRetrieveInformationModelFind.Value, get = DicomUids.StudyRootQueryRetrieveInformationModelGet.Value;
        async Task<(int Found, int Retrieved)> AskAsync()
        {
            var rq = DicomClient.Propose(find, get, "1.2.840.10008.5.1.4.1.1.7");
            rq.UserInformation.RoleSelections.Add(new RoleSelection("1.2.840.10008.5.1.4.1.1.7", ScuRole: true, ScpRole: true));
            await using var association = await DicomClient.ConnectAsync(client, rq);
            var image = new DicomDataset();
            image.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, "IMAGE");
            image.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, x.Study);
            image.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, x.Series);
            image.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "");
            int found = 0, retrieved = 0;
            await foreach (var r in association.FindAsync(find, image)) if (r.IsPending) found++;
            var study = new DicomDataset();
            study.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
            study.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, x.Study);
            await foreach (var _ in association.GetAsync(get, study, s => { retrieved++; return ValueTask.FromResult(DimseStatus.Success); })) { }
            await association.ReleaseAsync();
            return (found, retrieved);
        }

        Assert.Equal((1, 1), await AskAsync());
        Assert.Equal(HttpStatusCode.OK, (await main.PostAsJsonAsync($"/api/records/instance/{x.Sop}/entered-in-error", new { reason = "wrong patient" })).StatusCode);
        Assert.Equal((0, 0), await AskAsync());
    }
}
