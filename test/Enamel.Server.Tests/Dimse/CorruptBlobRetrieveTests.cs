using System.Globalization;
using System.Text.RegularExpressions;
using Enamel.Dicom;
using Enamel.TestShared;

namespace Enamel.Server.Tests.Dimse;

/// <summary>
/// A stored blob that fails its integrity check (one bit of a GCM tag flipped) during C-GET and C-MOVE: that
/// sub-operation fails with an Error Comment naming the defect and a failed count, and the other instances of the study
/// still arrive — whether the damage is in the segment the listing reads (a small object) or in a later segment that
/// only the send reads (a larger object, opened whole before its C-STORE-RQ goes out). dcmtk's getscu and movescu are
/// the peers; the statuses asserted are the ones they printed. WADO-RS answers the same objects with a problem detail
/// before the first byte of the object is sent.
/// </summary>
public sealed class CorruptBlobRetrieveTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private string Port => server.DicomPort.ToString(CultureInfo.InvariantCulture);
    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>A study of three instances: one sound, one small with its only segment damaged, one of three segments with the last damaged.</summary>
    private async Task<string> StoreStudyWithTwoCorruptBlobsAsync()
    {
        var study = "2.25." + BigIntegerUid();
        var dir = Path.Combine(server.DataDirectory, "..", "corrupt-src-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string Write(string name, string sop, bool large)
        {
            using var file = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
            file.Dataset.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            file.Dataset.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, study + ".1");
            file.Dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
            file.Meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sop);
            if (large) file.Dataset.SetGreyImage(256, 256, [.. Enumerable.Range(0, 256 * 256 * 2).Select(i => (byte)(i % 251))]); // 128 KiB: three 64 KiB segments
            var path = Path.Combine(dir, name);
            file.Save(path);
            return path;
        }
        var sound = Write("sound.dcm", study + ".1.1", large: false);
        var small = Write("small.dcm", study + ".1.2", large: false);
        var large = Write("large.dcm", study + ".1.3", large: true);
        var store = Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, sound, small, large]);
        Assert.True(store.ExitCode == 0, store.StdErr);

        var instances = await server.Folder.Index.ListInstancesAsync(study, null, null, Ct);
        Assert.Equal(3, instances.Count);
        foreach (var i in instances.Where(i => !i.SopInstanceUid.EndsWith(".1.1", StringComparison.Ordinal)))
        {
            var id = i.Blob.Id.Value;
            var blob = Path.Combine(server.DataDirectory, "store", "blobs", id[..2], id[2..4], id + ".enb");
            var bytes = await File.ReadAllBytesAsync(blob, Ct);
            bytes[^1] ^= 0x01; // the final segment's GCM tag
            await File.WriteAllBytesAsync(blob, bytes, Ct);
        }
        return study;
    }

    private static string BigIntegerUid() =>
        new System.Numerics.BigInteger([.. Guid.NewGuid().ToByteArray(), 0]).ToString(CultureInfo.InvariantCulture);

    private static void AssertOneSoundTwoFailed(string output)
    {
        Assert.True(Regex.IsMatch(output, @"Failed Suboperations\s*:\s*2"), output);
        Assert.True(Regex.IsMatch(output, @"Completed Suboperations\s*:\s*1"), output);
        Assert.Contains("failed integrity check", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".1.2")] // damaged in the only segment
    [InlineData(".1.3")] // damaged in the last of three segments: found before the first byte is sent
    public async Task WadoRs_CorruptBlob_AnswersAProblemDetail_NotAStreamCutShort(string sop)
    {
        var study = await StoreStudyWithTwoCorruptBlobsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{study}/series/{study}.1/instances/{study}{sop}");
        request.Headers.Accept.Add(System.Net.Http.Headers.MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\""));
        using var response = await server.Client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.InternalServerError, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("failed its integrity check", body, StringComparison.Ordinal);
        Assert.Contains("enamel verify", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getscu_StudyWithCorruptBlobs_FailsThoseSubOperations_DeliversTheRest()
    {
        var study = await StoreStudyWithTwoCorruptBlobsAsync();
        var dir = Path.Combine(server.DataDirectory, "..", "get-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var get = Peers.Run("getscu", ["-d", "-S", "-aec", "ENAMEL", "-od", dir, "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={study}"]);
        var output = get.StdOut + get.StdErr;
        AssertOneSoundTwoFailed(output);
        var received = Assert.Single(Directory.GetFiles(dir));
        using var file = DicomFile.Open(received);
        Assert.Equal(study + ".1.1", file.Dataset.GetString(DicomTags.SOPInstanceUID));
    }

    [Fact]
    public async Task Movescu_StudyWithCorruptBlobs_FailsThoseSubOperations_DeliversTheRest()
    {
        var study = await StoreStudyWithTwoCorruptBlobsAsync();
        var dir = Path.Combine(server.DataDirectory, "..", "move-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var scp = Peers.Start("storescp", ["-aet", "MOVEDEST", "-od", dir, server.MoveDestinationPort.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            var move = Peers.Run("movescu", ["-d", "-S", "-aec", "ENAMEL", "-aem", "MOVEDEST", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={study}"]);
            AssertOneSoundTwoFailed(move.StdOut + move.StdErr);
            // The final response came after the sub-operation's C-STORE-RSP: the one sound object is on disk.
            var received = Assert.Single(Directory.GetFiles(dir));
            using var file = DicomFile.Open(received);
            Assert.Equal(study + ".1.1", file.Dataset.GetString(DicomTags.SOPInstanceUID));
        }
        finally { scp.Kill(true); }
    }
}
