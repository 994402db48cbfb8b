using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>
/// Issue 11 item 8: a C-STORE whose command names one SOP Class/Instance UID (0000,0002)/(0000,1000) and whose data set
/// carries another (0008,0016)/(0008,0018) is refused 0xA900 with an Error Comment, and the handler never sees it.
/// </summary>
public sealed class StoreIdentityTests : IAsyncLifetime
{
    private const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    private readonly string dir = TestFiles.NewTempDir();
    private readonly ListLogger log = new();
    private DirectoryStoreHandler store = null!;
    private DicomListener scp = null!;

    public Task InitializeAsync()
    {
        store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", StoreHandler = store, TempDirectory = Path.Combine(dir, "tmp"), Logger = log });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await scp.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private async Task<DimseResponse> SendAsync(Func<Part10Source, Part10Source> lie)
    {
        var honest = Part10Source.Read(TestFiles.Sample("CT_small.dcm"));
        var claimed = lie(honest);
        var proposal = DicomClient.Propose(honest.SopClassUid, MrImageStorage);
        await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP", TempDirectory = Path.Combine(dir, "scu") }, proposal);
        var rsp = await a.StoreWithResponseAsync(claimed);
        await a.ReleaseAsync();
        return rsp;
    }

    private void AssertNothingStored()
    {
        Assert.Empty(store.Stored);
        Assert.False(Directory.Exists(Path.Combine(dir, "in")) && Directory.EnumerateFileSystemEntries(Path.Combine(dir, "in")).Any());
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tmp"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AffectedSopInstanceUid_OtherThanTheDataSets_RefusedA900_NothingStored()
    {
        var rsp = await SendAsync(f => f with { SopInstanceUid = "1.2.826.0.1.3680043.2.1125.999.1" });
        Assert.Equal(0xA900, rsp.Status);
        Assert.Equal("SOP Instance UID differs from Affected SOP Instance UID", rsp.Command.GetString(DicomTags.ErrorComment));
        Assert.Equal("1.2.826.0.1.3680043.2.1125.999.1", rsp.Command.GetString(DicomTags.AffectedSOPInstanceUID));
        AssertNothingStored();
    }

    [Fact]
    public async Task AffectedSopClassUid_OtherThanTheDataSets_RefusedA900_NothingStored()
    {
        var rsp = await SendAsync(f => f with { SopClassUid = MrImageStorage });
        Assert.Equal(0xA900, rsp.Status);
        Assert.Equal("SOP Class UID differs from Affected SOP Class UID", rsp.Command.GetString(DicomTags.ErrorComment));
        AssertNothingStored();
    }

    [Fact]
    public async Task MatchingUids_StillStored()
    {
        var rsp = await SendAsync(f => f);
        Assert.Equal(DimseStatus.Success, rsp.Status);
        Assert.Single(store.Stored);
    }
}
