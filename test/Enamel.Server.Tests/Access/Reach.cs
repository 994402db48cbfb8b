using Enamel.TestShared;
using System.Net.Http.Headers;
using Enamel.Core.Accounts;
using Enamel.Dicom;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Access;

/// <summary>
/// A server with AEs for the patient-A-vs-B and clinic tests: PATIENTA acts as patient A's account, NORTHDOC as a
/// dentist of clinic "north", SOUTHDOC as a dentist of clinic "south", BOTHMOD as a hygienist of both storing new
/// patients into "south" (the accounts are created by the tests).
/// </summary>
public sealed class ReachFixture : ServerFixture
{
    protected override void Configure(EnamelOptions options) =>
        options.DicomAes = [.. options.DicomAes,
            new DicomAeOptions { AeTitle = "PATIENTA", User = "dimse-patient-a" },
            new DicomAeOptions { AeTitle = "NORTHDOC", User = "dimse-north" },
            new DicomAeOptions { AeTitle = "SOUTHDOC", User = "dimse-south" },
            new DicomAeOptions { AeTitle = "BOTHMOD", User = "dimse-both", Clinic = "south" }];
}

/// <summary>Accounts in chosen clinics, generated instances and STOW for the reach tests.</summary>
internal static class Reach
{
    public sealed record Instance(string PatientId, string Study, string Series, string Sop, byte[] Bytes);

    /// <summary>A one-instance study of a new patient, every UID fresh.</summary>
    public static Instance NewStudy(string? patientId = null, string? study = null)
    {
        var root = "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
        patientId ??= "P" + Guid.NewGuid().ToString("N")[..10];
        study ??= root + ".1";
        var (series, sop) = (root + ".2", root + ".3");
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        ds.SetString(DicomTags.StudyDate, DicomVR.DA, "20260105");
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "TEST^" + patientId);
        ds.SetString(DicomTags.PatientID, DicomVR.LO, patientId);
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
        ds.SetGreyImage(8, 8);
        var ms = new MemoryStream();
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(ms);
        return new Instance(patientId, study, series, sop, ms.ToArray());
    }

    /// <summary>Creates an account with one role in the given clinics; returns it with an API token's secret.</summary>
    public static async Task<(User User, string Secret)> AccountAsync(ServerFixture server, string userName, string role, string[] clinics, string[] scope,
        long? patientKey = null, long[]? dependants = null)
    {
        var s = server.Folder.Security;
        var accounts = new UserAccounts(s.Users, s.Roles, new PasswordHasher(), server.Folder.Secrets, s.Changes, TimeProvider.System);
        var (user, _) = await accounts.CreateAsync(userName, userName, [role], new HashSet<string>(clinics), "test", default);
        if (patientKey is not null || dependants is not null)
        {
            user = user with { PatientKey = patientKey, Dependants = new HashSet<long>(dependants ?? []) };
            await s.Users.UpdateAsync(user, default);
        }
        var tokens = server.Services.GetRequiredService<ApiTokens>();
        var (secret, _) = await tokens.CreateAsync(user, "test", scope.Select(Enamel.Core.Access.Operation.Parse).ToHashSet(), TimeSpan.FromDays(1), default);
        return (user, secret);
    }

    public static HttpClient Client(ServerFixture server, string secret)
    {
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public static async Task<HttpResponseMessage> StowAsync(HttpClient client, string query, params Instance[] instances)
    {
        var content = new MultipartContent("related", "stow-" + Guid.NewGuid().ToString("N"));
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var i in instances)
        {
            var part = new ByteArrayContent(i.Bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
        }
        return await client.PostAsync("/dicom-web/studies" + query, content);
    }

    public static async Task<long> PatientKeyAsync(ServerFixture server, Instance instance) =>
        (await server.Folder.Index.FindStudyPatientAsync(instance.Study, default))?.PatientKey
        ?? throw new InvalidOperationException($"study {instance.Study} is not stored");

    /// <summary>
    /// Asserts that <paramref name="path"/>, naming <paramref name="beyondReach"/>, is answered exactly like the same path
    /// naming a study that does not exist (status and body): nobody learns what exists beyond their reach.
    /// </summary>
    public static async Task AssertAnsweredLikeNonexistentAsync(HttpClient client, string path, string beyondReach)
    {
        var nonexistent = path.Replace(beyondReach, NewStudy().Study, StringComparison.Ordinal);
        var a = await client.GetAsync(path);
        var b = await client.GetAsync(nonexistent);
        Assert.True(a.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.NoContent, $"{path}: {(int)a.StatusCode}");
        Assert.True(a.StatusCode == b.StatusCode, $"{path}: {(int)a.StatusCode}, the same path for a study that does not exist: {(int)b.StatusCode}");
        Assert.Equal(await b.Content.ReadAsStringAsync(), await a.Content.ReadAsStringAsync());
    }
}
