using Enamel.Dicom;
using Enamel.Dicom.Network;
using Enamel.TestShared;

namespace Enamel.Server.Tests.Dimse;

/// <summary>The archive's DIMSE services against dcmtk: storescu in, findscu, getscu and movescu (towards storescp) out.</summary>
public class ArchiveDimseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] Samples = ["CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm" ];
    private string Port => server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void StoreSamples()
    {
        // MR_small_RLE shares MR_small's SOP Instance UID with other bytes: storescu reports the refusal, the others go in.
        var store = Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, ServerFixture.Sample("CT_small.dcm"), ServerFixture.Sample("MR_small.dcm")]);
        Assert.True(store.ExitCode == 0, store.StdErr);
    }

    [Fact]
    public void Storescu_ThenFindscuStudyRoot_FindsTheStudyWithReturnKeys()
    {
        StoreSamples();
        var find = Peers.Run("findscu", ["-S", "-aec", "ENAMEL", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY",
            "-k", "PatientName=CompressedSamples^CT*", "-k", "StudyInstanceUID", "-k", "ModalitiesInStudy", "-k", "StudyDate"]);
        Assert.True(find.ExitCode == 0, find.StdErr);
        var output = find.StdErr + find.StdOut;
        Assert.Contains("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", output);
        Assert.Contains("[CT]", output);
        Assert.DoesNotContain("MR1", output);
    }

    [Fact]
    public void Findscu_PatientRootPatientLevel_ReturnsPatients()
    {
        StoreSamples();
        var find = Peers.Run("findscu", ["-P", "-aec", "ENAMEL", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "-k", "PatientName"]);
        Assert.True(find.ExitCode == 0, find.StdErr);
        Assert.Contains("4MR1", find.StdErr + find.StdOut);
    }

    [Fact]
    public void Getscu_Study_ReturnsBitIdenticalElements()
    {
        StoreSamples();
        var dir = Path.Combine(server.DataDirectory, "..", "get-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var get = Peers.Run("getscu", ["-S", "-aec", "ENAMEL", "-od", dir, "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY",
            "-k", "StudyInstanceUID=1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"]);
        Assert.True(get.ExitCode == 0, get.StdErr);
        var received = Assert.Single(Directory.GetFiles(dir));
        using var a = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        using var b = DicomFile.Open(received);
        Assert.Equal(((DicomValueElement)a.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray(), ((DicomValueElement)b.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray());
        // getscu drops Data Set Trailing Padding (FFFC,FFFC) when it writes the file; everything else must be there.
        Assert.Equal(a.Dataset.Select(e => e.Tag).Where(t => t != DicomTags.DataSetTrailingPadding), b.Dataset.Select(e => e.Tag));
    }

    [Fact]
    public async Task Movescu_ToConfiguredStorescp_DeliversTheSeries()
    {
        StoreSamples();
        var dir = Path.Combine(server.DataDirectory, "..", "move-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var scp = Peers.Start("storescp", ["-aet", "MOVEDEST", "-od", dir, server.MoveDestinationPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            await Poll.PortOpenAsync(server.MoveDestinationPort);
            var move = Peers.Run("movescu", ["-S", "-aec", "ENAMEL", "-aem", "MOVEDEST", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=1.3.6.1.4.1.5962.1.2.4.20040826185059.5457", "-k", "SeriesInstanceUID=1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457"]);
            Assert.True(move.ExitCode == 0, move.StdErr);
            var received = Assert.Single(Directory.GetFiles(dir));
            using var a = DicomFile.Open(ServerFixture.Sample("MR_small.dcm"));
            using var b = DicomFile.Open(received);
            Assert.Equal(a.Dataset.GetString(DicomTags.SOPInstanceUID), b.Dataset.GetString(DicomTags.SOPInstanceUID));
        }
        finally
        {
            scp.Kill();
        }
    }

    [Fact]
    public void Movescu_UnknownDestination_IsRefused()
    {
        var move = Peers.Run("movescu", ["-v", "-S", "-aec", "ENAMEL", "-aem", "NOBODY", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=1.2.3"]);
        // 0xA801 in the final C-MOVE-RSP; movescu exits 69 (its "move failed" code) on an error status.
        Assert.True(move.Responses.SequenceEqual([Peers.MoveDestinationUnknown]) && move.ExitCode == 69, move.ToString());
    }

    [Fact]
    public async Task UnmappedAe_StoreIsRefusedNotAuthorized_AndNothingIsStored()
    {
        // The association is accepted (Verification stays open to unmapped AEs); each service is answered 0x0124.
        var store = Peers.Run("storescu", ["-v", "-aec", "ENAMEL", "-aet", "STRANGER", "127.0.0.1", Port, ServerFixture.Sample("rtplan.dcm")]);
        Assert.True(store.Responses.SequenceEqual([Peers.NotAuthorized]) && store.ExitCode == 1, store.ToString()); // storescu exits 1 on a failed store
        Assert.Null(await server.Folder.Index.FindInstanceAsync(Part10Source.Read(ServerFixture.Sample("rtplan.dcm")).SopInstanceUid, default));
        var find = Peers.Run("findscu", ["-v", "-S", "-aec", "ENAMEL", "-aet", "STRANGER", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"]);
        Assert.True(find.Responses.SequenceEqual([Peers.NotAuthorized]) && find.ExitCode == 0, find.ToString()); // findscu exits 0 whatever the status
    }

    [Fact]
    public void ReceptionistAe_CannotQueryImaging()
    {
        StoreSamples();
        var find = Peers.Run("findscu", ["-v", "-S", "-aec", "ENAMEL", "-aet", "FRONTDESK", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"]);
        Assert.True(find.Responses.SequenceEqual([Peers.NotAuthorized]) && find.ExitCode == 0, find.ToString());
        Assert.DoesNotContain("1.3.6.1.4.1.5962.1.2.1.20040119072730.12322", find.ToString());
    }
}
