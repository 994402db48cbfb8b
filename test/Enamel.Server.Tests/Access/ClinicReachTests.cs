using System.Net;

namespace Enamel.Server.Tests.Access;

/// <summary>
/// Every patient belongs to a clinic: a dentist of clinic "north" never sees or touches clinic "south"'s patients, by
/// any DICOMweb search level or retrieve, and cannot store into them; a patient account searches only its own record,
/// a guardian also their dependants'.
/// </summary>
public class ClinicReachTests(ReachFixture server) : IClassFixture<ReachFixture>
{
    private static readonly string[] ReadCreate = ["Imaging:Read", "Imaging:Create"];

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Fact]
    public async Task TwoClinics_EachDentistSeesOnlyTheirClinicsPatients_AtEveryQidoLevel_AndWadoRefusesTheOther()
    {
        var (_, northSecret) = await Reach.AccountAsync(server, "north-" + Suffix(), "dentist", ["north"], ReadCreate);
        var (_, southSecret) = await Reach.AccountAsync(server, "south-" + Suffix(), "dentist", ["south"], ReadCreate);
        using var north = Reach.Client(server, northSecret);
        using var south = Reach.Client(server, southSecret);
        var n = Reach.NewStudy();
        var s = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "", n)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(south, "", s)).StatusCode);
        Assert.Equal("north", (await server.Folder.Index.FindStudyPatientAsync(n.Study, default))!.Clinic);
        Assert.Equal("south", (await server.Folder.Index.FindStudyPatientAsync(s.Study, default))!.Clinic);

        foreach (var (client, own, other) in new[] { (north, n, s), (south, s, n) })
        {
            foreach (var path in new[]
            {
                "/dicom-web/studies", "/dicom-web/series", "/dicom-web/instances", "/dicom-web/studies?limit=100000",
                $"/dicom-web/studies/{own.Study}/series", $"/dicom-web/studies/{own.Study}/instances", $"/dicom-web/studies/{own.Study}/series/{own.Series}/instances",
            })
            {
                var response = await client.GetAsync(path);
                var body = await BodyAsync(response);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
                Assert.Contains(own.Study, body);
                Assert.DoesNotContain(other.Study, body);
                Assert.DoesNotContain(other.PatientId, body);
            }
            // Searching for the other clinic's patient by any key finds nothing.
            foreach (var path in new[]
            {
                $"/dicom-web/studies?PatientID={other.PatientId}", $"/dicom-web/studies?StudyInstanceUID={other.Study}",
                $"/dicom-web/series?SeriesInstanceUID={other.Series}", $"/dicom-web/instances?SOPInstanceUID={other.Sop}",
                $"/dicom-web/instances?PatientName=TEST^{other.PatientId}",
            })
            {
                var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{path}: {(int)response.StatusCode} {await BodyAsync(response)}");
            }
            // Naming the other clinic's study is answered as if it did not exist, for searches under it and for every retrieve.
            foreach (var path in new[]
            {
                $"/dicom-web/studies/{other.Study}/series", $"/dicom-web/studies/{other.Study}/instances", $"/dicom-web/studies/{other.Study}",
                $"/dicom-web/studies/{other.Study}/metadata", $"/dicom-web/studies/{other.Study}/series/{other.Series}/instances/{other.Sop}",
                $"/wado?requestType=WADO&studyUID={other.Study}&seriesUID={other.Series}&objectUID={other.Sop}&contentType=application/dicom",
            })
                await Reach.AssertAnsweredLikeNonexistentAsync(client, path, other.Study);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/dicom-web/studies/{own.Study}/series/{own.Series}/instances/{own.Sop}")).StatusCode);
        }

        // The clinic "main" dentist of the fixture sees neither.
        var main = await BodyAsync(await server.Client.GetAsync("/dicom-web/studies?limit=100000"));
        Assert.DoesNotContain(n.Study, main);
        Assert.DoesNotContain(s.Study, main);
    }

    [Fact]
    public async Task Stow_IntoAnotherClinicsExistingPatientOrStudy_IsRefused_AndNothingIsStored()
    {
        var (_, northSecret) = await Reach.AccountAsync(server, "north-" + Suffix(), "dentist", ["north"], ReadCreate);
        var (_, southSecret) = await Reach.AccountAsync(server, "south-" + Suffix(), "dentist", ["south"], ReadCreate);
        using var north = Reach.Client(server, northSecret);
        using var south = Reach.Client(server, southSecret);
        var n = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "", n)).StatusCode);

        // The same Patient ID (north's patient) in a new study, and a new Patient ID in north's existing study.
        var samePatient = Reach.NewStudy(patientId: n.PatientId);
        var sameStudy = Reach.NewStudy(study: n.Study);
        foreach (var attempt in new[] { samePatient, sameStudy })
        {
            var response = await Reach.StowAsync(south, "", attempt);
            var body = await BodyAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
            Assert.Contains("00081197", body); // Failure Reason
            Assert.Contains("292", body); // 0x0124 Refused: Not Authorized
            Assert.Null(await server.Folder.Index.FindInstanceAsync(attempt.Sop, default));
        }
        // Re-sending north's very instance does not tell south whether it is stored.
        var again = await Reach.StowAsync(south, "", n);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Null(await server.Folder.Patients.FindByDicomIdAsync(sameStudy.PatientId, "", default));

        // One refused and one stored in the same request: 202, the new patient in south.
        var fresh = Reach.NewStudy();
        var mixed = await Reach.StowAsync(south, "", samePatient, fresh);
        Assert.Equal(HttpStatusCode.Accepted, mixed.StatusCode);
        Assert.Equal("south", (await server.Folder.Index.FindStudyPatientAsync(fresh.Study, default))!.Clinic);
        Assert.Null(await server.Folder.Index.FindInstanceAsync(samePatient.Sop, default));

        // north stores into its own patient; the patient stays in north.
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "", samePatient)).StatusCode);
        Assert.Equal("north", (await server.Folder.Index.FindStudyPatientAsync(samePatient.Study, default))!.Clinic);
    }

    [Fact]
    public async Task Stow_ClinicParameter_NamesTheNewPatientsClinic_OnlyOneOfTheCallers()
    {
        var (_, bothSecret) = await Reach.AccountAsync(server, "both-" + Suffix(), "dentist", ["north", "south"], ReadCreate);
        var (_, northSecret) = await Reach.AccountAsync(server, "north-" + Suffix(), "dentist", ["north"], ReadCreate);
        using var both = Reach.Client(server, bothSecret);
        using var north = Reach.Client(server, northSecret);
        var a = Reach.NewStudy();

        var unnamed = await Reach.StowAsync(both, "", a);
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
        Assert.Contains("?clinic=", await BodyAsync(unnamed));
        var foreign = await Reach.StowAsync(both, "?clinic=east", a);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Contains("not one of your clinics", await BodyAsync(foreign));
        Assert.Equal(HttpStatusCode.Forbidden, (await Reach.StowAsync(north, "?clinic=south", a)).StatusCode);
        Assert.Null(await server.Folder.Index.FindInstanceAsync(a.Sop, default));

        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(both, "?clinic=south", a)).StatusCode);
        Assert.Equal("south", (await server.Folder.Index.FindStudyPatientAsync(a.Study, default))!.Clinic);
        var b = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "?clinic=north", b)).StatusCode);
        Assert.Equal("north", (await server.Folder.Index.FindStudyPatientAsync(b.Study, default))!.Clinic);
    }

    [Fact]
    public async Task PatientAccount_SearchReturnsOnlyOwnStudies_GuardianAlsoTheirDependants()
    {
        var (_, northSecret) = await Reach.AccountAsync(server, "north-" + Suffix(), "dentist", ["north"], ReadCreate);
        using var north = Reach.Client(server, northSecret);
        var p1 = Reach.NewStudy();
        var p2 = Reach.NewStudy();
        var p3 = Reach.NewStudy();
        Assert.Equal(HttpStatusCode.OK, (await Reach.StowAsync(north, "", p1, p2, p3)).StatusCode);

        var (_, patientSecret) = await Reach.AccountAsync(server, "patient-" + Suffix(), "patient", [], ["Imaging:Read"], await Reach.PatientKeyAsync(server, p1));
        var (_, guardianSecret) = await Reach.AccountAsync(server, "guardian-" + Suffix(), "patient", [], ["Imaging:Read"],
            await Reach.PatientKeyAsync(server, p2), [await Reach.PatientKeyAsync(server, p3)]);
        using var patient = Reach.Client(server, patientSecret);
        using var guardian = Reach.Client(server, guardianSecret);

        foreach (var (client, reached, unreached) in new[] { (patient, new[] { p1 }, new[] { p2, p3 }), (guardian, new[] { p2, p3 }, new[] { p1 }) })
        {
            foreach (var path in new[] { "/dicom-web/studies", "/dicom-web/series", "/dicom-web/instances", "/dicom-web/studies?ModalitiesInStudy=IO" })
            {
                var response = await client.GetAsync(path);
                var body = await BodyAsync(response);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
                foreach (var r in reached) Assert.Contains(r.Study, body);
                foreach (var u in unreached) Assert.DoesNotContain(u.Study, body);
                // Only what they reach: nothing of the fixture's or other tests' patients either.
                var count = System.Text.Json.JsonDocument.Parse(body).RootElement.GetArrayLength();
                Assert.Equal(reached.Length, count);
            }
            foreach (var u in unreached)
            {
                Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync($"/dicom-web/studies?PatientID={u.PatientId}")).StatusCode);
                await Reach.AssertAnsweredLikeNonexistentAsync(client, $"/dicom-web/studies/{u.Study}/series", u.Study);
            }
        }
        // A patient may not store, search or not.
        Assert.Equal(HttpStatusCode.Forbidden, (await Reach.StowAsync(patient, "", Reach.NewStudy())).StatusCode);
    }
}
