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
    private readonly Func<string, (AssociateReject? Reject, string Why)> admit;
    private readonly ConcurrentDictionary<ushort, CancellationTokenSource> operations = new();
    private readonly ConcurrentDictionary<ushort, TaskCompletionSource<DimseMessage>> subResponses = new();
    private readonly List<Task> running = [];
    private DimseChannel channel = null!;
    private AssociateRequest accept = null!;
    private AssociationInfo info = null!;
    private int nextSubMessageId = 0x4000;
    private int NextSubMessageId() => (ushort)Interlocked.Increment(ref nextSubMessageId);

    /// <param name="admit">Takes this association's slot for a calling AE title, or says why there is none.</param>
    public AssociationEngine(DicomListenerOptions options, int id, EndPoint? remote, Func<string, (AssociateReject? Reject, string Why)> admit)
    {
        o = options;
        log = options.Logger;
        this.id = id;
        this.remote = remote;
        this.admit = admit;
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

    /// <summary>ARTIM-bounded wait for A-ASSOCIATE-RQ, then the checks in order: AE titles, host, identity, limits.</summary>
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
        else
            (reject, why) = admit(rq.CallingAeTitle);
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

    /// <summary>When an operation other than C-ECHO last succeeded here (or the association began), in TickCount64 ms.</summary>
    private long lastProductive;

    private void MarkProductive() => Volatile.Write(ref lastProductive, Environment.TickCount64);

    private async Task ServeAsync(CancellationToken ct)
    {
        MarkProductive();
        while (true)
        {
            var receive = channel.ReceiveAsync(SinkFor, o.IdleTimeout, ct);
            Observe(receive);
            if (o.EchoOnlyTimeout is { } bound && !await PeerActsInTimeAsync(receive, bound, ct).ConfigureAwait(false))
            {
                await ReleaseUnproductiveAsync(receive, bound, ct).ConfigureAwait(false);
                return;
            }
            var (kind, msg) = await receive.ConfigureAwait(false);
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

    /// <summary>
    /// Waits for the peer's next message while the echo-only clock runs: true when it arrives (or is arriving) first, false
    /// when <paramref name="bound"/> has passed since the last productive operation with nothing running or arriving.
    /// </summary>
    private async Task<bool> PeerActsInTimeAsync(Task receive, TimeSpan bound, CancellationToken ct)
    {
        while (!receive.IsCompleted)
        {
            ct.ThrowIfCancellationRequested();
            var busy = running.Where(t => !t.IsCompleted).ToArray();
            if (busy.Length > 0)
            {
                await Task.WhenAny(receive, Task.WhenAll(busy)).ConfigureAwait(false);
                continue;
            }
            long left = Volatile.Read(ref lastProductive) + (long)bound.TotalMilliseconds - Environment.TickCount64;
            if (left <= 0) return channel.MessageInProgress;
            await Task.WhenAny(receive, Task.Delay(TimeSpan.FromMilliseconds(left), ct)).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>A-RELEASE-RQ from our side; A-ABORT when the peer does not answer A-RELEASE-RP within min(5 s, ARTIM).</summary>
    private async Task ReleaseUnproductiveAsync(Task<(ChannelEventKind Kind, DimseMessage? Message)> receive, TimeSpan bound, CancellationToken ct)
    {
        NetworkLog.ReleasingUnproductive(log, id, info.CallingAeTitle, remote, bound.TotalSeconds);
        await channel.SendRawAsync(SimplePdus.ReleaseRequest(), ct).ConfigureAwait(false);
        var until = Environment.TickCount64 + (long)Math.Min(5000, o.ArtimTimeout.TotalMilliseconds);
        while (true)
        {
            long left = until - Environment.TickCount64;
            if (left <= 0 || await Task.WhenAny(receive, Task.Delay(TimeSpan.FromMilliseconds(left), ct)).ConfigureAwait(false) != receive)
                break;
            try
            {
                var (kind, msg) = await receive.ConfigureAwait(false);
                if (kind == ChannelEventKind.ReleaseResponse) return;
                if (kind == ChannelEventKind.ReleaseRequest) // release collision (PS3.8 9.2.6): answer it and close
                {
                    await channel.SendRawAsync(SimplePdus.ReleaseResponse(), ct).ConfigureAwait(false);
                    return;
                }
                Part10Sink.Discard(msg?.Data); // a request that crossed ours: not served
                receive = channel.ReceiveAsync(SinkFor, TimeSpan.FromMilliseconds(Math.Max(1, left)), ct);
                Observe(receive);
            }
            catch (DicomAbortException) { return; }
            catch (Exception ex) when (ex is DicomNetworkException or IOException or TimeoutException) { break; }
        }
        NetworkLog.Aborted(log, id, remote, "no A-RELEASE-RP to our A-RELEASE-RQ");
        await channel.TryAbortAsync(2, 0).ConfigureAwait(false);
    }

    /// <summary>A receive we may stop waiting for ends with the stream; its exception is then of no interest.</summary>
    private static void Observe(Task t) =>
        t.ContinueWith(static f => _ = f.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

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
