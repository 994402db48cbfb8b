using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Enamel.Dicom;
using Enamel.TestShared;
using Enamel.Server.Tests.Access;

namespace Enamel.Server.Tests.Dimse;

/// <summary>
/// Patient A versus patient B over DIMSE, with dcmtk: the AE acting as patient A's account finds only A's studies and
/// retrieves nothing of B's by any key (StudyInstanceUID, PatientID, SeriesInstanceUID, SOPInstanceUID), with C-GET
/// and C-MOVE; a dentist AE of another clinic reaches neither; a dentist AE of their clinic reaches both.
/// </summary>
public class PatientReachDimseTests(ReachFixture server) : IClassFixture<ReachFixture>
{
    private sealed record Setup(Reach.Instance A, Reach.Instance B);

    private static readonly ConditionalWeakTable<ReachFixture, Task<Setup>> Setups = [];

    private string Port => server.DicomPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Once per server: A and B stored in clinic "north", and the accounts the fixture's AEs act as.</summary>
    private Task<Setup> SetupAsync() => Setups.GetValue(server, s => CreateAsync(s));

    private static async Task<Setup> CreateAsync(ReachFixture server)
    {
        var (_, northSecret) = await Reach.AccountAsync(server, "dimse-north", "dentist", ["north"], ["Imaging:Create"]);
        await Reach.AccountAsync(server, "dimse-south", "dentist", ["south"], ["Imaging:Read"]);
        await Reach.AccountAsync(server, "dimse-both", "hygienist", ["north", "south"], ["Imaging:Read"]);
        using var north = Reach.Client(server, northSecret);
        var (a, b) = (Reach.NewStudy(), Reach.NewStudy());
        var stow = await Reach.StowAsync(north, "", a, b);
        if (stow.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"STOW failed: {(int)stow.StatusCode}");
        await Reach.AccountAsync(server, "dimse-patient-a", "patient", [], ["Imaging:Read"], await Reach.PatientKeyAsync(server, a));
        return new Setup(a, b);
    }

    /// <summary>C-FIND as <paramref name="ae"/>; returns the matches only (not the request), one line per response.</summary>
    private string Find(string ae, string model, string level, params string[] keys)
    {
        var dir = Path.Combine(server.DataDirectory, "..", "find-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string[] args = ["-X", "-od", dir, model, "-aec", "ENAMEL", "-aet", ae, "127.0.0.1", Port, "-k", $"QueryRetrieveLevel={level}",
            "-k", "PatientID", "-k", "PatientName", "-k", "StudyInstanceUID", .. keys.SelectMany(k => new[] { "-k", k })];
        var find = Peers.Run("findscu", args);
        Assert.True(find.ExitCode == 0, find.StdErr);
        return string.Join('\n', Directory.GetFiles(dir).Order().Select(f =>
        {
            using var file = DicomFile.Open(f);
            var ds = file.Dataset;
            return string.Join(' ', new[] { DicomTags.PatientID, DicomTags.PatientName, DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID, DicomTags.SOPInstanceUID }
                .Select(t => ds.GetString(t) ?? ""));
        }));
    }

    /// <summary>
    /// C-GET as <paramref name="ae"/>; returns the SOP Instance UIDs received. The retrieve must end well whatever it
    /// found: getscu exits 0 on a final Success with no failed sub-operation, and as many completed as files arrived — so
    /// "nothing of B's" is the server answering "no match", never a refusal, an abort or a crash that also delivers nothing.
    /// </summary>
    private string[] Get(string ae, string model, string level, params string[] keys)
    {
        var dir = Path.Combine(server.DataDirectory, "..", "get-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string[] args = ["-v", model, "-aec", "ENAMEL", "-aet", ae, "-od", dir, "127.0.0.1", Port, "-k", $"QueryRetrieveLevel={level}",
            .. keys.SelectMany(k => new[] { "-k", k })];
        var get = Peers.Run("getscu", args);
        var received = Received(dir);
        Assert.True(get.ExitCode == 0 && get.Responses.Count > 0 && get.Responses[^1] == "Success" && get.Completed == received.Length, get.ToString());
        return received;
    }

    /// <summary>
    /// C-MOVE as <paramref name="ae"/> to the test's storescp; returns the SOP Instance UIDs delivered, after movescu
    /// exited 0 with a final Success (so an empty answer is "no match", not a refusal or a failed association).
    /// </summary>
    private async Task<string[]> MoveAsync(string ae, string model, string level, params string[] keys)
    {
        var dir = Path.Combine(server.DataDirectory, "..", "move-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var scp = Peers.Start("storescp", ["-aet", "MOVEDEST", "-od", dir, server.MoveDestinationPort.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            await Poll.PortOpenAsync(server.MoveDestinationPort);
            string[] args = ["-v", model, "-aec", "ENAMEL", "-aet", ae, "-aem", "MOVEDEST", "127.0.0.1", Port, "-k", $"QueryRetrieveLevel={level}",
                .. keys.SelectMany(k => new[] { "-k", k })];
            var move = Peers.Run("movescu", args);
            Assert.True(move.ExitCode == 0 && move.Responses.Count > 0 && move.Responses[^1] == "Success", move.ToString());
            return Received(dir);
        }
        finally
        {
            scp.Kill();
            await scp.WaitForExitAsync();
        }
    }

    private static string[] Received(string dir) =>
        [.. Directory.GetFiles(dir).Select(f =>
        {
            using var file = DicomFile.Open(f);
            return file.Dataset.GetString(DicomTags.SOPInstanceUID)!;
        })];

    /// <summary>Every way of naming B's record in a retrieve: (information model, level, keys).</summary>
    private static IEnumerable<(string Model, string Level, string[] Keys)> KeysNaming(Reach.Instance b, Reach.Instance a) =>
    [
        ("-S", "STUDY", [$"StudyInstanceUID={b.Study}"]),
        ("-P", "PATIENT", [$"PatientID={b.PatientId}"]),
        ("-P", "STUDY", [$"PatientID={b.PatientId}", $"StudyInstanceUID={b.Study}"]),
        ("-S", "SERIES", [$"SeriesInstanceUID={b.Series}"]),
        ("-S", "SERIES", [$"StudyInstanceUID={a.Study}", $"SeriesInstanceUID={b.Series}"]), // B's series under A's study
        ("-S", "IMAGE", [$"SOPInstanceUID={b.Sop}"]),
        ("-S", "IMAGE", [$"StudyInstanceUID={a.Study}", $"SeriesInstanceUID={a.Series}", $"SOPInstanceUID={b.Sop}"]),
    ];

    [Fact]
    public async Task PatientAe_CFind_ReturnsOnlyPatientAsStudies()
    {
        var (a, b) = await SetupAsync();
        foreach (var (output, patientLevel) in new[]
        {
            (Find("PATIENTA", "-S", "STUDY"), false), (Find("PATIENTA", "-P", "PATIENT"), true), (Find("PATIENTA", "-S", "SERIES", "SeriesInstanceUID"), false),
            (Find("PATIENTA", "-S", "IMAGE", "SeriesInstanceUID", "SOPInstanceUID"), false),
        })
        {
            // Every match (and there is one) is patient A's.
            var matches = output.Split('\n');
            Assert.Single(matches);
            Assert.Contains(a.PatientId, matches[0]);
            if (!patientLevel) Assert.Contains(a.Study, matches[0]);
        }
        foreach (var output in new[]
        {
            Find("PATIENTA", "-S", "STUDY", $"PatientID={b.PatientId}"), Find("PATIENTA", "-S", "STUDY", $"StudyInstanceUID={b.Study}"),
            Find("PATIENTA", "-S", "SERIES", $"SeriesInstanceUID={b.Series}"), Find("PATIENTA", "-S", "IMAGE", $"SOPInstanceUID={b.Sop}"),
            Find("PATIENTA", "-P", "PATIENT", $"PatientName=TEST^{b.PatientId}"),
        })
            Assert.Equal("", output);
        // The north dentist's AE, for contrast, finds both.
        var dentist = Find("NORTHDOC", "-S", "STUDY");
        Assert.Contains(a.Study, dentist);
        Assert.Contains(b.Study, dentist);
    }

    [Fact]
    public async Task PatientAe_CGet_OfPatientB_ByEveryKey_RetrievesNothing_OwnStudyIsRetrieved()
    {
        var (a, b) = await SetupAsync();
        Assert.Equal([a.Sop], Get("PATIENTA", "-S", "STUDY", $"StudyInstanceUID={a.Study}"));
        Assert.Equal([a.Sop], Get("PATIENTA", "-S", "IMAGE", $"SOPInstanceUID={a.Sop}"));
        foreach (var (model, level, keys) in KeysNaming(b, a))
            Assert.True(Get("PATIENTA", model, level, keys).Length == 0, $"patient A's AE got B by {level} {string.Join(' ', keys)}");
        Assert.Equal([b.Sop], Get("NORTHDOC", "-S", "SERIES", $"SeriesInstanceUID={b.Series}"));
    }

    [Fact]
    public async Task PatientAe_CMove_OfPatientB_ByEveryKey_DeliversNothing_OwnStudyIsDelivered()
    {
        var (a, b) = await SetupAsync();
        Assert.Equal([a.Sop], await MoveAsync("PATIENTA", "-P", "PATIENT", $"PatientID={a.PatientId}"));
        foreach (var (model, level, keys) in KeysNaming(b, a))
            Assert.True((await MoveAsync("PATIENTA", model, level, keys)).Length == 0, $"patient A's AE moved B by {level} {string.Join(' ', keys)}");
    }

    [Fact]
    public async Task OtherClinicsDentistAe_FindsAndRetrievesNeitherPatient()
    {
        var (a, b) = await SetupAsync();
        var found = Find("SOUTHDOC", "-S", "STUDY");
        Assert.DoesNotContain(a.Study, found);
        Assert.DoesNotContain(b.Study, found);
        Assert.Equal("", Find("SOUTHDOC", "-S", "STUDY", $"StudyInstanceUID={b.Study}"));
        Assert.Equal("", Find("SOUTHDOC", "-P", "PATIENT", $"PatientID={a.PatientId}"));
        foreach (var x in new[] { a, b })
            foreach (var (model, level, keys) in KeysNaming(x, x))
            {
                Assert.True(Get("SOUTHDOC", model, level, keys).Length == 0, $"south's AE got a north patient by {level} {string.Join(' ', keys)}");
                Assert.True((await MoveAsync("SOUTHDOC", model, level, keys)).Length == 0, $"south's AE moved a north patient by {level} {string.Join(' ', keys)}");
            }
    }

    private string WriteFile(Reach.Instance instance)
    {
        var path = Path.Combine(server.DataDirectory, "..", "store-" + Guid.NewGuid().ToString("N") + ".dcm");
        File.WriteAllBytes(path, instance.Bytes);
        return path;
    }

    [Fact]
    public async Task CStore_NewPatientGoesToTheMappingsClinic_AnotherClinicsPatientIsRefused()
    {
        var (a, _) = await SetupAsync();
        // BOTHMOD's user belongs to north and south; its mapping says new patients go to south.
        var fresh = Reach.NewStudy();
        var store = Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "BOTHMOD", "127.0.0.1", Port, WriteFile(fresh)]);
        Assert.True(store.ExitCode == 0, store.StdErr);
        Assert.Equal("south", (await server.Folder.Index.FindStudyPatientAsync(fresh.Study, default))!.Clinic);

        // South's dentist AE may not add to patient A (north), neither under A's Patient ID nor into A's study.
        foreach (var intrusion in new[] { Reach.NewStudy(patientId: a.PatientId), Reach.NewStudy(study: a.Study) })
        {
            var refused = Peers.Run("storescu", ["-v", "-aec", "ENAMEL", "-aet", "SOUTHDOC", "127.0.0.1", Port, WriteFile(intrusion)]);
            Assert.True(refused.Responses.SequenceEqual([Peers.NotAuthorized]) && refused.ExitCode == 1, refused.ToString());
            Assert.Null(await server.Folder.Index.FindInstanceAsync(intrusion.Sop, default));
        }
        // Its own new patient goes to south (its only clinic).
        var own = Reach.NewStudy();
        Assert.Equal(0, Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "SOUTHDOC", "127.0.0.1", Port, WriteFile(own)]).ExitCode);
        Assert.Equal("south", (await server.Folder.Index.FindStudyPatientAsync(own.Study, default))!.Clinic);
    }
}
