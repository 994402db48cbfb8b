using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Network;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Dimse;

/// <summary>
/// Issue 11 item 8 against the archive: a mapped modality's C-STORE whose Affected SOP Instance/Class UID is not the data
/// set's gets 0xA900 with an Error Comment, and nothing is indexed under either UID nor left in the DIMSE spool.
/// </summary>
public sealed class StoreIdentityDimseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string ClaimedInstance = "1.2.826.0.1.3680043.2.1125.11.8.1";

    private async Task<DimseResponse> SendAsync(Func<Part10Source, Part10Source> lie)
    {
        var honest = Part10Source.Read(ServerFixture.Sample("CT_small.dcm"));
        var proposal = DicomClient.Propose(honest.SopClassUid, "1.2.840.10008.5.1.4.1.1.4");
        await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = server.DicomPort, CalledAeTitle = "ENAMEL", CallingAeTitle = "MODALITY" }, proposal);
        var rsp = await a.StoreWithResponseAsync(lie(honest));
        await a.ReleaseAsync();
        return rsp;
    }

    private async Task AssertNothingStoredAsync(params string[] uids)
    {
        var index = server.Services.GetRequiredService<IStudyIndex>();
        foreach (var uid in uids) Assert.Null(await index.FindInstanceAsync(uid, default));
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDirectory, "tmp", "dimse"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AffectedSopInstanceUid_OtherThanTheDataSets_RefusedA900_NothingStored()
    {
        var real = Part10Source.Read(ServerFixture.Sample("CT_small.dcm")).SopInstanceUid;
        var rsp = await SendAsync(f => f with { SopInstanceUid = ClaimedInstance });
        Assert.Equal(0xA900, rsp.Status);
        Assert.Equal("SOP Instance UID differs from Affected SOP Instance UID", rsp.Command.GetString(DicomTags.ErrorComment));
        await AssertNothingStoredAsync(ClaimedInstance, real);
    }

    [Fact]
    public async Task AffectedSopClassUid_OtherThanTheDataSets_RefusedA900_NothingStored()
    {
        var real = Part10Source.Read(ServerFixture.Sample("CT_small.dcm")).SopInstanceUid;
        var rsp = await SendAsync(f => f with { SopClassUid = "1.2.840.10008.5.1.4.1.1.4" });
        Assert.Equal(0xA900, rsp.Status);
        Assert.Equal("SOP Class UID differs from Affected SOP Class UID", rsp.Command.GetString(DicomTags.ErrorComment));
        await AssertNothingStoredAsync(real);
    }
}
