using System.Runtime.CompilerServices;
using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>User identity negotiation and C-CANCEL against our own SCP.</summary>
public sealed class AssociationFeatureTests : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();
    public void Dispose() => Directory.Delete(dir, recursive: true);

    private sealed class PasswordValidator : IUserIdentityValidator
    {
        public ValueTask<bool> ValidateAsync(UserIdentity identity, string callingAeTitle, CancellationToken ct) =>
            ValueTask.FromResult(identity is { Type: 2, PrimaryField: "alice", SecondaryField: "s3cret" });
    }

    [Fact]
    public async Task UserIdentity_ValidPassword_Accepted_WrongPassword_Rejected()
    {
        var log = new ListLogger();
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", UserIdentityValidator = new PasswordValidator(), Logger = log, TempDirectory = dir });
        var ok = new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP", UserIdentity = UserIdentity.UsernamePassword("alice", "s3cret") };
        await using (var a = await DicomClient.ConnectAsync(ok, DicomClient.Propose(DicomUids.Verification.Value)))
        {
            Assert.Equal(DimseStatus.Success, await a.EchoAsync());
            await a.ReleaseAsync();
        }
        await Assert.ThrowsAsync<DicomAssociationRejectedException>(() =>
            DicomClient.ConnectAsync(ok with { UserIdentity = UserIdentity.UsernamePassword("alice", "wrong") }, DicomClient.Propose(DicomUids.Verification.Value)));
        Assert.True(log.WaitFor(l => l.Contains("user identity refused")));
        Assert.DoesNotContain(log.Lines, l => l.Contains("wrong") || l.Contains("s3cret"));
    }

    private sealed class EndlessFind : ICFindHandler
    {
        public async IAsyncEnumerable<DicomDataset> FindAsync(CFindRequest request, [EnumeratorCancellation] CancellationToken ct)
        {
            for (int i = 0; ; i++)
            {
                await Task.Delay(20, ct);
                var d = new DicomDataset();
                d.SetString(DicomTags.PatientID, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                yield return d;
            }
        }
    }

    [Fact]
    public async Task CCancel_DuringFind_EndsWithCancelStatus()
    {
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", FindHandler = new EndlessFind(), TempDirectory = dir });
        var cls = DicomUids.PatientRootQueryRetrieveInformationModelFind.Value;
        await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP" }, DicomClient.Propose(cls));
        var q = new DicomDataset();
        q.SetString(DicomTags.QueryRetrieveLevel, "PATIENT");
        q.SetString(DicomTags.PatientID, DicomVR.LO);
        int pending = 0;
        ushort final = 0;
        await foreach (var rsp in a.FindAsync(cls, q))
        {
            if (rsp.IsPending && ++pending == 3)
                await a.CancelAsync(DimseCommand.RespondedTo(rsp.Command), a.FindContext(cls)!.Id);
            if (!rsp.IsPending) final = rsp.Status;
        }
        Assert.Equal(DimseStatus.Cancel, final);
        await a.ReleaseAsync();
    }

    private sealed class BrokenRetrieve : ICMoveHandler
    {
        public ValueTask<DicomPeer?> ResolveDestinationAsync(string aeTitle, CancellationToken ct) =>
            ValueTask.FromResult<DicomPeer?>(aeTitle == "KNOWN" ? new DicomPeer("KNOWN", "127.0.0.1", 9) : null);
        public ValueTask<IReadOnlyList<DicomObjectSource>> GetSourcesAsync(RetrieveRequest request, CancellationToken ct) =>
            throw new InvalidOperationException("index offline");
    }

    [Theory]
    [InlineData("NOWHERE", DimseStatus.MoveDestinationUnknown)]
    [InlineData("KNOWN", DimseStatus.UnableToProcess)]
    public async Task CMove_UnknownDestinationOrFailingHandler_FailureStatus_AssociationContinues(string destination, ushort expected)
    {
        var log = new ListLogger();
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", MoveHandler = new BrokenRetrieve(), Logger = log, TempDirectory = dir });
        var cls = DicomUids.StudyRootQueryRetrieveInformationModelMove.Value;
        await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP" },
            DicomClient.Propose(cls, DicomUids.Verification.Value));
        var q = new DicomDataset();
        q.SetString(DicomTags.QueryRetrieveLevel, "STUDY");
        q.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.3");
        DimseResponse? last = null;
        await foreach (var rsp in a.MoveAsync(cls, destination, q)) last = rsp;
        Assert.Equal(expected, last!.Status);
        Assert.Equal(DimseStatus.Success, await a.EchoAsync());
        await a.ReleaseAsync();
    }
}
