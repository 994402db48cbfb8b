using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Enamel.Dicom.Network;

/// <summary>
/// Runs one SCP association from A-ASSOCIATE-RQ to release or abort. Sealed: services are the handlers in
/// <see cref="DicomListenerOptions"/>, never subclasses. Any protocol error aborts this association only.
/// </summary>
internal sealed partial class AssociationEngine
{
    private readonly DicomListenerOptions o;
    private readonly ILogger log;
    private readonly int id;
    private readonly EndPoint? remote;
    private readonly Func<bool> tryReserveSlot;
    private readonly ConcurrentDictionary<ushort, CancellationTokenSource> operations = new();
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<DimseMessage>> subResponses = new();
    private readonly List<Task> running = [];
    private DimseChannel channel = null!;
    private AssociateRequest accept = null!;
    private AssociationInfo info = null!;
    private int nextSubMessageId = 0x4000;
    private int NextSubMessageId() => (ushort)Interlocked.Increment(ref nextSubMessageId);

    public AssociationEngine(DicomListenerOptions options, int id, EndPoint? remote, Func<bool> tryReserveSlot)
    {
        o = options;
        log = options.Logger;
        this.id = id;
        this.remote = remote;
        this.tryReserveSlot = tryReserveSlot;
    }

    public async Task RunAsync(Stream stream, CancellationToken stopping)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lifetime.CancelAfter(o.AssociationTimeout);
        var ct = lifetime.Token;
        var reader = new PduReader(stream, o.MaxPduLength);
        channel = new DimseChannel(stream, reader, 16384);
        try
        {
            if (!await NegotiateAsync(ct).ConfigureAwait(false)) return;
            await ServeAsync(ct).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            NetworkLog.Aborted(log, id, remote, ex.Message);
            await channel.TryAbortAsync(2, 0).ConfigureAwait(false);
        }
        catch (DicomAbortException ex)
        {
            NetworkLog.Aborted(log, id, remote, ex.Message);
        }
        catch (DicomNetworkException ex)
        {
            NetworkLog.Aborted(log, id, remote, ex.Message);
            await channel.TryAbortAsync(2, ex.Message.StartsWith("unexpected PDU", StringComparison.Ordinal) ? (byte)2 : (byte)0).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            NetworkLog.Aborted(log, id, remote, stopping.IsCancellationRequested ? "listener stopping" : "association time limit reached");
            await channel.TryAbortAsync(2, 0).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            NetworkLog.Aborted(log, id, remote, "connection lost: " + ex.Message);
        }
        finally
        {
            foreach (var cts in operations.Values) cts.Cancel();
            foreach (var tcs in subResponses.Values) tcs.TrySetCanceled(CancellationToken.None);
            try { await Task.WhenAll(running).ConfigureAwait(false); }
            catch (Exception ex) when (ex is OperationCanceledException or DicomNetworkException or IOException) { }
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>ARTIM-bounded wait for A-ASSOCIATE-RQ, then the checks in order: AE titles, host, limit, identity.</summary>
    private async Task<bool> NegotiateAsync(CancellationToken ct)
    {
        RawPdu? first;
        try { first = await channel.ReadPduAsync(o.ArtimTimeout, ct).ConfigureAwait(false); }
        catch (TimeoutException) { throw new TimeoutException($"ARTIM expired: no A-ASSOCIATE-RQ within {o.ArtimTimeout.TotalSeconds:0.#} s"); }
        if (first is null) { NetworkLog.Aborted(log, id, remote, "connection closed before A-ASSOCIATE-RQ"); return false; }
        if (first.Value.Type != PduType.AssociateRequest)
            throw new DicomNetworkException($"unexpected PDU {first.Value.Type} where A-ASSOCIATE-RQ was expected");
        AssociateRequest rq;
        try { rq = AssociateRequest.Parse(first.Value.Span, isAccept: false); }
        catch (DicomNetworkException ex) when (ex.Message.StartsWith("unsupported protocol version", StringComparison.Ordinal))
        {
            await RejectAsync(AssociateReject.ProtocolVersionNotSupported, "?", "?", ex.Message, ct).ConfigureAwait(false);
            return false;
        }
        info = new AssociationInfo(rq.CallingAeTitle, rq.CalledAeTitle, remote, rq.UserInformation.UserIdentity);

        AssociateReject? reject = null;
        string why = "";
        if (rq.ApplicationContext != AssociateRequest.DicomApplicationContext)
            (reject, why) = (AssociateReject.ApplicationContextNotSupported, "application context not supported");
        else if (!o.AcceptAnyCalledAeTitle && !string.Equals(rq.CalledAeTitle, o.AeTitle, StringComparison.Ordinal))
            (reject, why) = (AssociateReject.CalledAeNotRecognized, $"called AE title is not {o.AeTitle}");
        else if (o.AllowedCallingAeTitles.Count > 0 && !o.AllowedCallingAeTitles.Contains(rq.CallingAeTitle))
            (reject, why) = (AssociateReject.CallingAeNotRecognized, "calling AE title not on the allow-list");
        else if (o.AllowedHosts.Count > 0 && (remote is not IPEndPoint ip || !o.AllowedHosts.Any(h => h.Equals(ip.Address) || h.Equals(ip.Address.MapToIPv4()))))
            (reject, why) = (AssociateReject.NoReasonGiven, "remote host not on the allow-list");
        else if (rq.UserInformation.UserIdentity is { } identity && o.UserIdentityValidator is { } validator
            && !await validator.ValidateAsync(identity, rq.CallingAeTitle, ct).ConfigureAwait(false))
            (reject, why) = (AssociateReject.NoReasonGiven, $"user identity refused ({identity})");
        else if (rq.UserInformation.UserIdentity is null && o.UserIdentityValidator is not null)
            (reject, why) = (AssociateReject.NoReasonGiven, "user identity required");
        else if (!tryReserveSlot())
            (reject, why) = (AssociateReject.LocalLimitExceeded, $"limit of {o.MaxAssociations} associations reached");
        if (reject is not null)
        {
            await RejectAsync(reject, rq.CallingAeTitle, rq.CalledAeTitle, why, ct).ConfigureAwait(false);
            return false;
        }

        accept = AssociationNegotiator.Accept(rq, o);
        channel = new DimseChannel(channel.Stream, channel.Reader, rq.UserInformation.MaxPduLength);
        await channel.SendRawAsync(accept.Encode(), ct).ConfigureAwait(false);
        NetworkLog.Accepted(log, id, rq.CallingAeTitle, rq.CalledAeTitle, remote,
            accept.PresentationContexts.Count(p => p.Result == PresentationContextResult.Acceptance), rq.PresentationContexts.Count);
        return true;
    }

    private async Task RejectAsync(AssociateReject reject, string calling, string called, string why, CancellationToken ct)
    {
        NetworkLog.Rejected(log, id, calling, called, remote, $"{why} [{reject.Describe()}]");
        await channel.SendRawAsync(reject.Encode(), ct).ConfigureAwait(false);
        // ARTIM: give the requestor a moment to close its side, then close ours.
        try { await channel.ReadPduAsync(TimeSpan.FromSeconds(Math.Min(5, o.ArtimTimeout.TotalSeconds)), ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is TimeoutException or DicomNetworkException or IOException) { }
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        while (true)
        {
            var (kind, msg) = await channel.ReceiveAsync(SinkFor, o.IdleTimeout, ct).ConfigureAwait(false);
            if (kind == ChannelEventKind.ReleaseRequest)
            {
                try { await Task.WhenAll(running).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
                await channel.SendRawAsync(SimplePdus.ReleaseResponse(), ct).ConfigureAwait(false);
                NetworkLog.Released(log, id, info.CallingAeTitle);
                return;
            }
            if (kind != ChannelEventKind.Message || msg is null)
                throw new DicomNetworkException($"unexpected {kind} on an SCP association");
            running.RemoveAll(t => t.IsCompleted);
            await DispatchAsync(msg, ct).ConfigureAwait(false);
        }
    }

    private PresentationContext ContextOf(byte pcId) =>
        accept.PresentationContexts.FirstOrDefault(p => p.Id == pcId && p.Result == PresentationContextResult.Acceptance)
        ?? throw new DicomNetworkException($"message on presentation context {pcId}, which was not accepted");

    private Stream SinkFor(byte pcId, DicomDataset command)
    {
        var pc = ContextOf(pcId);
        var syntax = DicomTransferSyntax.FromUid(pc.AcceptedTransferSyntax!);
        return DimseCommand.Field(command) == DimseCommandField.CStoreRequest
            ? Part10Sink.Create(o.TempDirectory, o.Spool, command, syntax, info.CallingAeTitle)
            : new BoundedMemoryStream(o.MaxIdentifierLength);
    }
}
