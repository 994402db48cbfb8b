using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Dicom;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Patients;

/// <summary>`enamel patients move ID --to CLINIC`: decided in both clinics, audited on the patient, and the clinics' reach follows.</summary>
public sealed class PatientMoveTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task Move_NeedsAmendInBothClinics_AndReachFollowsThePatient()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        void Add(string name, string role, params string[] clinics)
        {
            var r = Enamel.Run(["users", "add", name, "--role", role, .. clinics.SelectMany(c => new[] { "--clinic", c }), "--data", data]);
            Assert.True(r.ExitCode == 0, r.StdErr);
        }
        Add("dr-both", "dentist", "main", "north");
        Add("dr-main", "dentist", "main");
        Add("rec-main", "receptionist", "main");
        Add("rec-both", "receptionist", "main", "north");
        Add("hyg-both", "hygienist", "main", "north");
        Assert.Equal("1CT1", Enamel.ImportSample(data, dir, "CT_small.dcm", "dr-both", "main"));

        Enamel.Result Move(string user, string to, string id = "1CT1") => Enamel.Run("patients", "move", id, "--to", to, "--data", data, "--as", user);
        Assert.Equal(ExitCodes.NotAuthorized, Move("rec-main", "north").ExitCode); // not a member of the destination
        Assert.Equal(ExitCodes.NotAuthorized, Move("hyg-both", "north").ExitCode); // reads demographics, may not amend them
        Assert.Equal(ExitCodes.Invalid, Move("rec-both", "north", "NO-SUCH-ID").ExitCode);
        Assert.Equal(ExitCodes.Invalid, Move("rec-both", "main").ExitCode); // already there
        Assert.Equal(ExitCodes.Usage, Move("rec-both", "no such clinic").ExitCode);

        var folder = await DataFolder.OpenOrCreateAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        Assert.Equal("main", (await folder.Patients.FindByDicomIdAsync("1CT1", "", default))!.Clinic); // nothing changed yet

        var moved = Move("rec-both", "north");
        Assert.True(moved.ExitCode == 0, moved.StdErr);
        var patient = (await folder.Patients.FindByDicomIdAsync("1CT1", "", default))!;
        Assert.Equal("north", patient.Clinic);
        using (var ct = DicomFile.Open(Enamel.Sample("CT_small.dcm")))
            Assert.Equal("north", (await folder.Index.FindStudyPatientAsync(ct.Dataset.GetString(DicomTags.StudyInstanceUID)!, default))!.Clinic);

        // main's dentist no longer reaches the patient; and main's receptionist cannot move them back.
        var policy = new AccessPolicy(folder.Security.Roles, folder.Security.BreakGlass, folder.Security.Audit, TimeProvider.System);
        var drMain = (await folder.Security.Users.FindByNameAsync("dr-main", default))!.ToActor("test");
        Assert.False((await policy.DecideAsync(drMain, new Operation(RecordCategory.Imaging, RecordAction.Read),
            ResourceScope.ForPatient(patient.Key, patient.Clinic), Purpose.Treatment, default)).Allowed);
        // Out of reach now: answered as a record that is not there (Core's MovePatient, like every verb, does not confirm what it hides).
        var back = Move("rec-main", "main");
        Assert.Equal(ExitCodes.Invalid, back.ExitCode);
        Assert.Contains("no such patient within your reach", back.StdErr);

        var amendments = await folder.Security.Audit.QueryAsync(new AuditQuery { PatientKey = patient.Key, Action = "Amend", Outcome = AuditOutcome.Success }, default);
        Assert.Contains(amendments, a => a.Event.Detail == "clinic main -> north" && a.Event.Object.Text == $"Demographics patient {patient.Key}");
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
