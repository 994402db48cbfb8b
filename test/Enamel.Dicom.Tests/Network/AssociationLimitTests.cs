using System.Net;
using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>
/// Issue 11 item 2: association slots cannot be taken by anyone. The listener decides at A-ASSOCIATE-RQ, where the calling
/// AE is known: unknown AEs share a bounded part of the total, every AE title and every address has its own limit, and an
/// association that only echoes is released after a bound. Each refusal is the PS3.8 A-ASSOCIATE-RJ the peer sees.
/// </summary>
public sealed class AssociationLimitTests : IAsyncDisposable
{
    private static readonly string Verification = DicomUids.Verification.Value;
    private readonly string dir = TestFiles.NewTempDir();
    private readonly ListLogger log = new();
    private readonly DirectoryStoreHandler store;
    private readonly List<DicomClientAssociation> held = [];
    private DicomListener? scp;

    public AssociationLimitTests() => store = new DirectoryStoreHandler(Path.Combine(dir, "in"));

    public async ValueTask DisposeAsync()
    {
        foreach (var a in held) await a.DisposeAsync();
        if (scp is not null) await scp.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private DicomListener Start(int max = 64, int? unknownShare = null, Func<string, bool>? known = null, int? perAe = null, int? perAddress = null,
        TimeSpan? echoOnly = null)
    {
        scp = DicomListener.Start(new DicomListenerOptions
        {
            AeTitle = "SCP", StoreHandler = store, TempDirectory = Path.Combine(dir, "tmp"), Logger = log, ArtimTimeout = TimeSpan.FromSeconds(2),
            MaxAssociations = max, MaxUnknownAeAssociations = unknownShare, IsKnownCallingAe = known,
            MaxAssociationsPerCallingAe = perAe, MaxAssociationsPerAddress = perAddress, EchoOnlyTimeout = echoOnly,
        });
        return scp;
    }

    private DicomClientOptions As(string callingAe) => new() { Port = scp!.Port, CalledAeTitle = "SCP", CallingAeTitle = callingAe, TempDirectory = Path.Combine(dir, "scu") };

    private async Task HoldAsync(string callingAe)
    {
        var a = await DicomClient.ConnectAsync(As(callingAe), DicomClient.Propose(Verification));
        held.Add(a);
        Assert.Equal(DimseStatus.Success, await a.EchoAsync());
    }

    private async Task<AssociateReject> RejectedAsync(string callingAe) =>
        (await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync(As(callingAe), DicomClient.Propose(Verification)))).Reject;

    private static void AssertLocalLimit(AssociateReject rj)
    {
        Assert.Equal(AssociateReject.Transient, rj.Result);               // 2
        Assert.Equal(AssociateReject.SourcePresentation, rj.Source);      // 3: service-provider (presentation)
        Assert.Equal(2, rj.Reason);                                       // 2: local limit exceeded
    }

    private static (int Exit, string Output) StoreScu(int port, string callingAe) =>
        Dcmtk.Run("storescu", ["-aec", "SCP", "-aet", callingAe, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), TestFiles.Sample("CT_small.dcm")]);

    [Fact]
    public async Task UnknownAes_FillTheirShare_NextUnknownRejectedLocalLimit_KnownAeStillStores()
    {
        var listener = Start(max: 4, unknownShare: 2, known: ae => ae == "MODALITY");
        await HoldAsync("STRANGER1");
        await HoldAsync("STRANGER2");

        AssertLocalLimit(await RejectedAsync("STRANGER3"));
        var echo = Dcmtk.Run("echoscu", ["-aec", "SCP", "-aet", "STRANGER4", "127.0.0.1", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(echo.Exit != 0 && echo.Output.Contains("Local limit exceeded", StringComparison.OrdinalIgnoreCase), echo.Output);
        Assert.True(log.WaitFor(l => l.Contains("limit of 2 associations for unknown calling AEs reached", StringComparison.Ordinal)));

        // The known AE has the rest of the total: one held, and a real storescu still stores.
        await HoldAsync("MODALITY");
        var stored = StoreScu(listener.Port, "MODALITY");
        Assert.True(stored.Exit == 0, stored.Output);
        Assert.Single(store.Stored);
        Assert.Equal(3, listener.ActiveAssociations);
    }

    [Fact]
    public async Task UnknownAes_NoShare_RejectedCallingAeNotRecognised()
    {
        Start(unknownShare: 0, known: ae => ae == "MODALITY");
        var rj = await RejectedAsync("STRANGER");
        Assert.Equal(AssociateReject.Permanent, rj.Result);
        Assert.Equal(AssociateReject.SourceServiceUser, rj.Source);
        Assert.Equal(3, rj.Reason); // calling AE title not recognised
        await HoldAsync("MODALITY");
    }

    [Fact]
    public async Task PerCallingAeLimit_RejectsThatAeOnly()
    {
        var listener = Start(perAe: 2);
        await HoldAsync("SAME");
        await HoldAsync("SAME");
        AssertLocalLimit(await RejectedAsync("SAME"));
        var stored = StoreScu(listener.Port, "SAME");
        Assert.True(stored.Exit != 0 && stored.Output.Contains("Local limit exceeded", StringComparison.OrdinalIgnoreCase), stored.Output);
        await HoldAsync("OTHER");
        Assert.True(log.WaitFor(l => l.Contains("limit of 2 associations per calling AE reached", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PerAddressLimit_RejectsThatAddressWhateverItsAeTitles_OtherAddressAccepted()
    {
        var listener = Start(perAddress: 2);
        await HoldAsync("FIRST");
        await HoldAsync("SECOND");
        AssertLocalLimit(await RejectedAsync("THIRD"));
        var echo = Dcmtk.Run("echoscu", ["-aec", "SCP", "-aet", "FOURTH", "127.0.0.1", listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(echo.Exit != 0 && echo.Output.Contains("Local limit exceeded", StringComparison.OrdinalIgnoreCase), echo.Output);
        Assert.True(log.WaitFor(l => l.Contains("limit of 2 associations per address reached", StringComparison.Ordinal)));

        // Another source address (127.0.0.2 is loopback too) has its own budget.
        using var other = new RawPeer(listener.Port, IPAddress.Parse("127.0.0.2"));
        other.Send(RawPeer.AssociateRequestFrom("THIRD", "SCP", Verification));
        Assert.Equal(PduType.AssociateAccept, other.ReadPdu()!.Value.Type);
    }

    private static byte[] Echo(ushort messageId) => RawPeer.PData(1, command: true, last: true, DimseCommand.Encode(DimseCommand.EchoRequest(messageId)));

    private static ushort StatusOf((PduType Type, byte[] Body)? pdu)
    {
        Assert.Equal(PduType.DataTransfer, pdu!.Value.Type);
        return DimseCommand.Status(DimseCommand.Decode(pdu.Value.Body.AsMemory(6))); // PDV: 4 length, 1 context, 1 header
    }

    private async Task WaitForNoAssociationsAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (scp!.ActiveAssociations > 0 && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.Equal(0, scp.ActiveAssociations);
    }

    [Fact]
    public async Task EchoOnlyAssociation_ReleasedAfterTheBound_SlotFreed()
    {
        Start(echoOnly: TimeSpan.FromSeconds(1));
        using var peer = new RawPeer(scp!.Port);
        peer.Send(RawPeer.AssociateRequestFrom("PINGER", "SCP", Verification));
        Assert.Equal(PduType.AssociateAccept, peer.ReadPdu()!.Value.Type);
        peer.Send(Echo(1));
        Assert.Equal(DimseStatus.Success, StatusOf(peer.ReadPdu()));
        Assert.Equal(1, scp.ActiveAssociations);

        // The peer keeps still; the SCP asks for release (the read is bounded by RawPeer's 20 s timeout).
        Assert.Equal(PduType.ReleaseRequest, peer.ReadPdu()!.Value.Type);
        peer.Send(SimplePdus.ReleaseResponse());
        Assert.True(peer.WaitClosed());
        await WaitForNoAssociationsAsync();
        Assert.True(log.WaitFor(l => l.Contains("releasing, no operation but C-ECHO succeeded for 1 s", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EchoOnlyAssociation_PeerIgnoresRelease_Aborted()
    {
        Start(echoOnly: TimeSpan.FromSeconds(1));
        using var peer = new RawPeer(scp!.Port);
        peer.Send(RawPeer.AssociateRequestFrom("PINGER", "SCP", Verification));
        Assert.Equal(PduType.AssociateAccept, peer.ReadPdu()!.Value.Type);
        peer.Send(Echo(1));
        Assert.Equal(DimseStatus.Success, StatusOf(peer.ReadPdu()));
        peer.Send(Echo(2)); // echoing again does not reset the clock
        Assert.Equal(DimseStatus.Success, StatusOf(peer.ReadPdu()));
        Assert.Equal(PduType.ReleaseRequest, peer.ReadPdu()!.Value.Type);
        Assert.Equal(PduType.Abort, peer.ReadPdu()!.Value.Type); // no A-RELEASE-RP within min(5 s, ARTIM 2 s)
        await WaitForNoAssociationsAsync();
        Assert.True(log.WaitFor(l => l.Contains("no A-RELEASE-RP to our A-RELEASE-RQ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task StoringAssociation_NotReleasedWhileItWorks()
    {
        Start(echoOnly: TimeSpan.FromSeconds(2));
        var file = Part10Source.Read(TestFiles.Sample("CT_small.dcm"));
        await using var a = await DicomClient.ConnectAsync(As("MODALITY"), DicomClient.ProposeStorage([file]));
        var started = DateTime.UtcNow;
        // Each successful C-STORE restarts the clock: well past the 2 s bound, the association is still ours. Stores come
        // every ~250 ms, so only a stall of the whole machine for 2 s (not a busy CI runner) could look idle.
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(4.5))
        {
            Assert.Equal(DimseStatus.Success, await a.StoreAsync(file));
            await Task.Delay(250);
        }
        await a.ReleaseAsync();
        Assert.DoesNotContain(log.Lines, l => l.Contains("releasing", StringComparison.Ordinal));
    }

    [Fact]
    public void Limits_Validated()
    {
        Assert.Throws<ArgumentException>(() => new DicomListener(new DicomListenerOptions { MaxAssociations = 4, MaxUnknownAeAssociations = 4, IsKnownCallingAe = _ => true }, IPAddress.Loopback, 0));
        Assert.Throws<ArgumentException>(() => new DicomListener(new DicomListenerOptions { MaxUnknownAeAssociations = 1 }, IPAddress.Loopback, 0));
        Assert.Throws<ArgumentException>(() => new DicomListener(new DicomListenerOptions { MaxAssociationsPerAddress = 0 }, IPAddress.Loopback, 0));
        Assert.Throws<ArgumentException>(() => new DicomListener(new DicomListenerOptions { EchoOnlyTimeout = TimeSpan.Zero }, IPAddress.Loopback, 0));
    }
}
