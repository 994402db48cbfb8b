using System.Globalization;
using Enamel.Core.Studies;
using Enamel.Dicom;
using Enamel.Dicom.Network;
using Enamel.Server.Dimse;
using Enamel.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Enamel.TestShared;

namespace Enamel.Server.Tests.Dimse;

/// <summary>The archive with small association limits (issue 11 item 2); no echo-only release here, so held associations stay.</summary>
public sealed class LimitedDimseFixture : ServerFixture
{
    protected override void Configure(EnamelOptions options)
    {
        options.MaxAssociations = 6;
        options.MaxUnknownAeAssociations = 2;
        options.MaxAssociationsPerCallingAe = 3;
        options.MaxAssociationsPerAddress = 5;
        options.EchoOnlyReleaseSeconds = 0;
    }
}

/// <summary>
/// Issue 11 item 2 against the archive: calling AEs not in Enamel:DicomAes share MaxUnknownAeAssociations, so they cannot
/// take the room of mapped modalities; per-AE and per-address limits hold for everyone. Peers see A-ASSOCIATE-RJ
/// transient / service-provider (presentation) / local limit exceeded.
/// </summary>
public sealed class AssociationLimitDimseTests(LimitedDimseFixture server) : IClassFixture<LimitedDimseFixture>, IAsyncLifetime
{
    private readonly List<DicomClientAssociation> held = [];
    private string Port => server.DicomPort.ToString(CultureInfo.InvariantCulture);
    private DimseService Dimse => server.Services.GetRequiredService<DimseService>();

    // Each test starts with no association left over from the one before (slots are given back as connections end).
    public async Task InitializeAsync() => await WaitForAssociationsAsync(0);

    public async Task DisposeAsync()
    {
        foreach (var a in held) await a.ReleaseAsync();
    }

    private async Task WaitForAssociationsAsync(int count)
    {
        await Poll.UntilAsync(() => Dimse.ActiveAssociations == count, TimeSpan.FromSeconds(20));
        Assert.Equal(count, Dimse.ActiveAssociations);
    }

    private DicomClientOptions As(string ae) => new() { Port = server.DicomPort, CalledAeTitle = "ENAMEL", CallingAeTitle = ae };

    private async Task HoldAsync(string ae)
    {
        var a = await DicomClient.ConnectAsync(As(ae), DicomClient.Propose(DicomUids.Verification.Value));
        held.Add(a);
        Assert.Equal(DimseStatus.Success, await a.EchoAsync());
    }

    private async Task AssertLocalLimitAsync(string ae)
    {
        var rj = (await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => DicomClient.ConnectAsync(As(ae), DicomClient.Propose(DicomUids.Verification.Value)))).Reject;
        Assert.Equal((AssociateReject.Transient, AssociateReject.SourcePresentation, (byte)2), (rj.Result, rj.Source, rj.Reason));
    }

    private static void AssertDcmtkLocalLimit(Peers.Result r) =>
        Assert.True(r.ExitCode != 0 && (r.StdErr + r.StdOut).Contains("Local limit exceeded", StringComparison.OrdinalIgnoreCase), $"exit {r.ExitCode}: {r.StdErr}{r.StdOut}");

    [Fact]
    public async Task UnmappedAes_FillTheirShare_NextRejectedLocalLimit_MappedModalityStillStores()
    {
        await HoldAsync("STRANGER1");
        await HoldAsync("STRANGER2");
        await AssertLocalLimitAsync("STRANGER3");
        AssertDcmtkLocalLimit(Peers.Run("echoscu", "-aec", "ENAMEL", "-aet", "STRANGER4", "127.0.0.1", Port));

        var store = Peers.Run("storescu", "-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, ServerFixture.Sample("CT_small.dcm"));
        Assert.True(store.ExitCode == 0, store.StdErr + store.StdOut);
        Assert.NotNull(await server.Services.GetRequiredService<IStudyIndex>().FindInstanceAsync(Part10Source.Read(ServerFixture.Sample("CT_small.dcm")).SopInstanceUid, default));
    }

    [Fact]
    public async Task PerAddressAndPerAeLimits_HoldForMappedAesToo()
    {
        await HoldAsync("STRANGER1");
        await HoldAsync("MODALITY");
        await HoldAsync("MODALITY");
        await HoldAsync("MODALITY");
        await AssertLocalLimitAsync("MODALITY");                 // per calling AE: 3
        await HoldAsync("FINDSCU");                               // 5 from 127.0.0.1
        AssertDcmtkLocalLimit(Peers.Run("echoscu", "-aec", "ENAMEL", "-aet", "GETSCU", "127.0.0.1", Port)); // per address: 5, total 6 not reached
        Assert.Equal(5, Dimse.ActiveAssociations);
    }
}

/// <summary>The archive releasing echo-only associations after 2 s, with room for one unmapped association.</summary>
public sealed class EchoOnlyDimseFixture : ServerFixture
{
    protected override void Configure(EnamelOptions options)
    {
        options.MaxUnknownAeAssociations = 1;
        options.EchoOnlyReleaseSeconds = 2;
    }
}

/// <summary>Issue 11 item 2: an association that only echoes (the attack: C-ECHO every 25 s) does not keep its slot.</summary>
public sealed class EchoOnlyReleaseDimseTests(EchoOnlyDimseFixture server) : IClassFixture<EchoOnlyDimseFixture>
{
    private DicomClientOptions As(string ae) => new() { Port = server.DicomPort, CalledAeTitle = "ENAMEL", CallingAeTitle = ae };

    [Fact]
    public async Task UnmappedEchoOnlyAssociation_ReleasedByTheArchive_ItsSlotServesTheNext()
    {
        var dimse = server.Services.GetRequiredService<DimseService>();
        await using var pinger = await DicomClient.ConnectAsync(As("STRANGER1"), DicomClient.Propose(DicomUids.Verification.Value));
        Assert.Equal(DimseStatus.Success, await pinger.EchoAsync());
        Assert.Equal(DimseStatus.Success, await pinger.EchoAsync());

        // The archive asks for release after 2 s of nothing but C-ECHO; we answer A-RELEASE-RP (bounded wait).
        Assert.True(await pinger.WaitForPeerReleaseAsync(TimeSpan.FromSeconds(30)));
        await Poll.UntilAsync(() => dimse.ActiveAssociations == 0, TimeSpan.FromSeconds(20));
        Assert.Equal(0, dimse.ActiveAssociations);

        // The unmapped share (1) is free again.
        await using var next = await DicomClient.ConnectAsync(As("STRANGER2"), DicomClient.Propose(DicomUids.Verification.Value));
        Assert.Equal(DimseStatus.Success, await next.EchoAsync());
        await next.ReleaseAsync();
    }
}
