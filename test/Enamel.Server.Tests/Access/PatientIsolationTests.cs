using System.Net;
using System.Net.Http.Headers;
using Enamel.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Access;

/// <summary>A patient account reaches its own studies and never another patient's, by any DICOMweb identifier.</summary>
public class PatientIsolationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task PatientA_ReachesOwnStudy_NeverPatientB_ByAnyIdentifier()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.StowAsync(ServerFixture.Sample("CT_small.dcm"), ServerFixture.Sample("MR_small.dcm"))).StatusCode);
        using var ct = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        using var mr = DicomFile.Open(ServerFixture.Sample("MR_small.dcm"));
        string Uid(DicomFile f, DicomTag t) => f.Dataset.GetString(t)!;
        var ownStudy = Uid(ct, DicomTags.StudyInstanceUID);
        var otherStudy = Uid(mr, DicomTags.StudyInstanceUID);
        var patientKey = (await server.Folder.Index.FindStudyPatientAsync(ownStudy, default))?.PatientKey;
        Assert.NotNull(patientKey);

        // A patient account bound to the CT patient, with a token for reading images.
        var secret = await server.CreateTokenAsync("patient", "patient-a-" + Guid.NewGuid().ToString("N")[..6], ["Imaging:Read"]);
        var record = await server.Folder.Security.Tokens.FindByHashAsync(Enamel.Core.Accounts.SecretToken.Hash(secret), default);
        var user = await server.Folder.Security.Users.FindByIdAsync(record!.UserId, default);
        await server.Folder.Security.Users.UpdateAsync(user! with { PatientKey = patientKey }, default);
        using var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        var own = $"/dicom-web/studies/{ownStudy}/series/{Uid(ct, DicomTags.SeriesInstanceUID)}/instances/{Uid(ct, DicomTags.SOPInstanceUID)}";
        var other = $"/dicom-web/studies/{otherStudy}/series/{Uid(mr, DicomTags.SeriesInstanceUID)}/instances/{Uid(mr, DicomTags.SOPInstanceUID)}";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(own + "/metadata")).StatusCode);
        foreach (var path in new[] { own + "/frames/1/thumbnail", $"/dicom-web/studies/{ownStudy}/rendered", $"/dicom-web/studies/{ownStudy}/thumbnail" })
            Assert.True((await client.GetAsync(path)).StatusCode == HttpStatusCode.OK, path);
        foreach (var path in new[]
        {
            $"/dicom-web/studies/{otherStudy}", $"/dicom-web/studies/{otherStudy}/metadata", $"/dicom-web/studies/{otherStudy}/series",
            other, other + "/metadata", other + "/frames/1", other + "/rendered", other + "/thumbnail",
            other + "/frames/1/thumbnail", other + "/frames/1/rendered", $"/dicom-web/studies/{otherStudy}/rendered", $"/dicom-web/studies/{otherStudy}/thumbnail",
            $"/dicom-web/studies/{otherStudy}/series/{Uid(mr, DicomTags.SeriesInstanceUID)}/rendered", $"/dicom-web/studies/{otherStudy}/series/{Uid(mr, DicomTags.SeriesInstanceUID)}/thumbnail",
            $"/wado?requestType=WADO&studyUID={otherStudy}&seriesUID={Uid(mr, DicomTags.SeriesInstanceUID)}&objectUID={Uid(mr, DicomTags.SOPInstanceUID)}",
            $"/dicom-web/studies/{otherStudy}/instances", $"/dicom-web/studies/{otherStudy}/series/{Uid(mr, DicomTags.SeriesInstanceUID)}/instances",
        })
            await Reach.AssertAnsweredLikeNonexistentAsync(client, path, otherStudy);
        // A patient may search, but every search returns their own record only.
        foreach (var path in new[] { "/dicom-web/studies", "/dicom-web/series", "/dicom-web/instances" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(ownStudy, body);
            Assert.DoesNotContain(otherStudy, body);
        }
        foreach (var path in new[]
        {
            $"/dicom-web/studies?PatientID={mr.Dataset.GetString(DicomTags.PatientID)}", $"/dicom-web/studies?StudyInstanceUID={otherStudy}",
            $"/dicom-web/series?SeriesInstanceUID={Uid(mr, DicomTags.SeriesInstanceUID)}", $"/dicom-web/instances?SOPInstanceUID={Uid(mr, DicomTags.SOPInstanceUID)}",
        })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"patient A searched {path}: {(int)response.StatusCode}");
        }
        // Naming patient B's instance under patient A's study does not leak it either: nothing is found there.
        var mixed = $"/dicom-web/studies/{ownStudy}/series/{Uid(mr, DicomTags.SeriesInstanceUID)}/instances/{Uid(mr, DicomTags.SOPInstanceUID)}";
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(mixed)).StatusCode);
    }
}
