using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>Hostile and broken peers: each ends its own association with a log line, stores nothing partial,
/// and the SCP keeps serving (checked with a C-ECHO from our client after each).</summary>
public sealed class RobustnessTests : IAsyncLifetime
{
    private const string Ct = "1.2.840.10008.5.1.4.1.1.2";
    private readonly string dir = TestFiles.NewTempDir();
    private readonly ListLogger log = new();
    private DirectoryStoreHandler store = null!;
    private DicomListener scp = null!;

    public Task InitializeAsync()
    {
        store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        scp = DicomListener.Start(new DicomListenerOptions
        {
            AeTitle = "SCP",
            StoreHandler = store,
            TempDirectory = Path.Combine(dir, "tmp"),
            Logger = log,
            ArtimTimeout = TimeSpan.FromSeconds(2),
            IdleTimeout = TimeSpan.FromSeconds(3),
            MaxPduLength = 64 * 1024,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await scp.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private async Task AssertStillServingAsync()
    {
        var options = new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP", CallingAeTitle = "CHECK" };
        await using var a = await DicomClient.ConnectAsync(options, DicomClient.Propose(DicomUids.Verification.Value));
        Assert.Equal(DimseStatus.Success, await a.EchoAsync());
        await a.ReleaseAsync();
    }

    private void AssertLogged(string fragment) =>
        Assert.True(log.WaitFor(l => l.Contains(fragment, StringComparison.Ordinal)), $"no log line with '{fragment}':\n{string.Join("\n", log.Lines)}");

    [Fact]
    public async Task MalformedAssociateRequest_Aborted_ScpKeepsServing()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            var rq = RawPeer.AssociateRequest("SCP", Ct);
            rq[74] = 0x77; // the first variable item (application context) now has an unknown type
            peer.Send(rq);
            Assert.True(peer.WaitClosed());
        }
        AssertLogged("unexpected item 0x77");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task OversizedPduLength_RefusedBeforeBuffering_ScpKeepsServing()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            peer.Send(RawPeer.AssociateRequest("SCP", Ct));
            Assert.Equal(PduType.AssociateAccept, peer.ReadPdu()!.Value.Type);
            peer.Send([0x04, 0, 0x7F, 0xFF, 0xFF, 0xF0]); // P-DATA-TF declaring ~2 GB, no body
            var abort = peer.ReadPdu();
            Assert.Equal(PduType.Abort, abort!.Value.Type);
        }
        AssertLogged("above the limit");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task DataBeforeAssociation_WrongOrder_Aborted()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            peer.Send(RawPeer.PData(1, true, true, DimseCommand.Encode(DimseCommand.EchoRequest(1))));
            var pdu = peer.ReadPdu();
            Assert.Equal(PduType.Abort, pdu!.Value.Type);
            Assert.Equal(2, pdu.Value.Body[3]); // reason: unexpected PDU
        }
        AssertLogged("where A-ASSOCIATE-RQ was expected");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task PeerDisconnectsMidDataset_NothingStored_ScpKeepsServing()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            peer.Send(RawPeer.AssociateRequest("SCP", Ct));
            Assert.Equal(PduType.AssociateAccept, peer.ReadPdu()!.Value.Type);
            var cmd = DimseCommand.StoreRequest(1, Ct, "1.2.3.4.5");
            peer.Send(RawPeer.PData(1, true, true, DimseCommand.Encode(cmd)));
            peer.Send(RawPeer.PData(1, false, false, new byte[4000]));
            AssertLogged("accepted: RAW");
        }
        AssertLogged("in the middle of a message");
        Assert.Empty(store.Stored);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tmp")));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SlowLoris_OneByteASecond_HitsArtim()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            var rq = RawPeer.AssociateRequest("SCP", Ct);
            var started = DateTime.UtcNow;
            bool closed = false;
            for (int i = 0; i < rq.Length && !closed; i++)
            {
                try { peer.Send([rq[i]]); }
                catch (IOException) { closed = true; }
                if (DateTime.UtcNow - started > TimeSpan.FromSeconds(10)) break;
                Thread.Sleep(1000);
                closed |= log.Lines.Any(l => l.Contains("ARTIM expired"));
            }
        }
        AssertLogged("ARTIM expired");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task IdlePeerAfterAssociation_HitsIdleTimeout()
    {
        using (var peer = new RawPeer(scp.Port))
        {
            peer.Send(RawPeer.AssociateRequest("SCP", Ct));
            Assert.Equal(PduType.AssociateAccept, peer.ReadPdu()!.Value.Type);
            peer.Send([0x04, 0, 0, 0]); // half a PDU header, then silence
            Assert.Equal(PduType.Abort, peer.ReadPdu()!.Value.Type);
        }
        AssertLogged("no complete PDU within");
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ThousandsOfAssociationsOpenedAndDropped_ScpKeepsServing()
    {
        var rq = RawPeer.AssociateRequest("SCP", Ct);
        await Parallel.ForAsync(0, 1500, new ParallelOptions { MaxDegreeOfParallelism = 16 }, (i, _) =>
        {
            using var peer = new RawPeer(scp.Port);
            if (i % 3 == 0) return ValueTask.CompletedTask;           // connect and drop
            peer.Send(rq);
            if (i % 3 == 1) peer.ReadPdu();                             // associate, then drop without release
            else peer.Send(rq.AsSpan(0, 20).ToArray());                 // RQ then a truncated PDU
            return ValueTask.CompletedTask;
        });
        await AssertStillServingAsync();
        var until = DateTime.UtcNow.AddSeconds(15);
        while (scp.ActiveAssociations > 0 && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.Equal(0, scp.ActiveAssociations);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tmp")));
    }

    [Fact]
    public async Task AssociationLimit_RejectsTransientLocalLimit()
    {
        await using var limited = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", MaxAssociations = 1, Logger = log, TempDirectory = Path.Combine(dir, "tmp") });
        var options = new DicomClientOptions { Port = limited.Port, CalledAeTitle = "SCP" };
        await using var first = await DicomClient.ConnectAsync(options, DicomClient.Propose(DicomUids.Verification.Value));
        var ex = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync(options, DicomClient.Propose(DicomUids.Verification.Value)));
        Assert.Equal(AssociateReject.Transient, ex.Reject.Result);
        AssertLogged("limit of 1 associations reached");
        await first.ReleaseAsync();
    }

    [Fact]
    public async Task CallingAeNotAllowed_RejectedWithReason()
    {
        await using var strict = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", AllowedCallingAeTitles = ["GOOD"], Logger = log, TempDirectory = Path.Combine(dir, "tmp") });
        var ex = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() =>
            DicomClient.ConnectAsync(new DicomClientOptions { Port = strict.Port, CalledAeTitle = "SCP", CallingAeTitle = "BAD" }, DicomClient.Propose(DicomUids.Verification.Value)));
        Assert.Equal(3, ex.Reject.Reason);
        AssertLogged("calling AE title not on the allow-list");
    }
}
