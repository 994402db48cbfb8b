using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Dicom;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Admin;

/// <summary>
/// `enamel users add --role patient --patient ID [--dependant ID]`: a patient or guardian account linked to records in
/// the archive, reaching exactly those; bad links are refused with nothing stored.
/// </summary>
public sealed class PatientAccountTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task PatientAccount_ReachesOwnRecordAndDependants_Only_AndBadLinksAreRefused()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        string Import(string sample, string clinic) => Enamel.ImportSample(data, dir, sample, "dr-both", clinic);
        var both = Enamel.Run("users", "add", "dr-both", "--role", "dentist", "--clinic", "main", "--clinic", "north", "--data", data);
        Assert.True(both.ExitCode == 0, both.StdErr);
        var ct = Import("CT_small.dcm", "main");
        var mr = Import("MR_small.dcm", "main");
        var rg = Import("SC_rgb_small_odd.dcm", "north");
        Assert.Equal(3, new[] { ct, mr, rg }.Distinct().Count());

        // Guardian: own record CT, dependant MR. The one-time password alone on stdout.
        var add = Enamel.Run("users", "add", "parent", "--role", "patient", "--patient", ct, "--dependant", mr, "--data", data);
        Assert.True(add.ExitCode == 0, add.StdErr);
        Assert.Single(add.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // Refused, nothing stored: unknown Patient ID, a staff role with a patient link, another clinic's patient.
        var unknown = Enamel.Run("users", "add", "ghost", "--role", "patient", "--patient", "NO-SUCH-ID", "--data", data);
        Assert.Equal(ExitCodes.Invalid, unknown.ExitCode);
        Assert.Contains("no patient with Patient ID 'NO-SUCH-ID'", unknown.StdErr);
        var staff = Enamel.Run("users", "add", "staff", "--role", "dentist", "--clinic", "main", "--patient", ct, "--data", data);
        Assert.Equal(ExitCodes.Usage, staff.ExitCode);
        Assert.Contains("reaches its own record", staff.StdErr);
        var foreign = Enamel.Run("users", "add", "foreign", "--role", "patient", "--patient", rg, "--data", data);
        Assert.Equal(ExitCodes.NotAuthorized, foreign.ExitCode);
        Assert.Contains("clinic", foreign.StdErr);
        var list = Enamel.Run("users", "list", "--data", data);
        Assert.Contains("parent\tpatient\t\tno-mfa,must-change-password,patient-records:2", list.StdOut);
        foreach (var refused in new[] { "ghost", "staff", "foreign" }) Assert.DoesNotContain(refused + "\t", list.StdOut);

        // The policy: the guardian reads their own and the dependant's images, not a third patient's, and no search of the clinic.
        var folder = await DataFolder.OpenOrCreateAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var parent = (await folder.Security.Users.FindByNameAsync("parent", default))!;
        var policy = new AccessPolicy(folder.Security.Roles, folder.Security.BreakGlass, folder.Security.Audit, TimeProvider.System);
        async Task<bool> MayRead(string patientId)
        {
            var p = (await folder.Patients.FindByDicomIdAsync(patientId, "", default))!;
            var d = await policy.DecideAsync(parent.ToActor("test"), new Operation(RecordCategory.Imaging, RecordAction.Read),
                ResourceScope.ForPatient(p.Key, p.Clinic), Purpose.Treatment, default);
            return d.Allowed;
        }
        Assert.True(await MayRead(ct));
        Assert.True(await MayRead(mr));
        Assert.False(await MayRead(rg));

        // Each link is in that patient's account of access.
        var ctKey = (await folder.Patients.FindByDicomIdAsync(ct, "", default))!.Key;
        var links = await folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = ctKey, Action = "UserLink" }, default);
        var link = Assert.Single(links);
        Assert.Equal($"user {parent.Id}", link.Event.Object.Text);
        Assert.Equal("own-record", link.Event.Detail);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
