using System.Runtime.CompilerServices;

namespace Enamel.Dicom.Network;

/// <summary>An established SCU association: DIMSE-C operations, then release (or abort on dispose).</summary>
public sealed class DicomClientAssociation : IAsyncDisposable
{
    private readonly DicomClientOptions options;
    private readonly DimseChannel channel;
    private ushort nextMessageId;
    private bool closed;

    internal DicomClientAssociation(DicomClientOptions options, DimseChannel channel, AssociateRequest accept)
    {
        this.options = options;
        this.channel = channel;
        Accept = accept;
    }

    /// <summary>The A-ASSOCIATE-AC, with each context's abstract syntax filled in from our proposal.</summary>
    public AssociateRequest Accept { get; }

    private ushort NextId() => ++nextMessageId == 0 ? ++nextMessageId : nextMessageId;

    /// <summary>The accepted context for a SOP class, optionally with a given transfer syntax.</summary>
    public PresentationContext? FindContext(string sopClass, string? transferSyntax = null) =>
        Accept.PresentationContexts.FirstOrDefault(pc => pc.Result == PresentationContextResult.Acceptance
            && pc.AbstractSyntax == sopClass && (transferSyntax is null || pc.AcceptedTransferSyntax == transferSyntax));

    private PresentationContext Require(string sopClass) =>
        FindContext(sopClass) ?? throw new DicomNetworkException($"peer did not accept {DicomUids.NameOf(sopClass)}");

    public async Task<ushort> EchoAsync(CancellationToken ct = default)
    {
        var pc = Require(DicomUids.Verification.Value);
        var rq = DimseCommand.EchoRequest(NextId());
        await channel.SendAsync(pc.Id, rq, null, ct).ConfigureAwait(false);
        var rsp = await ReadResponseAsync(rq, null, ct).ConfigureAwait(false);
        return rsp.Status;
    }

    /// <summary>
    /// Sends one Part 10 file: as stored when the peer accepted its transfer syntax, else re-encoded in an accepted
    /// native syntax. Compressed files the peer refuses fail with a clear error (no transcoder on this branch).
    /// </summary>
    public async Task<ushort> StoreAsync(Part10Source file, string? moveOriginatorAe = null, ushort? moveOriginatorId = null, CancellationToken ct = default) =>
        (await StoreWithResponseAsync(file, moveOriginatorAe, moveOriginatorId, ct).ConfigureAwait(false)).Status;

    /// <summary>As <see cref="StoreAsync"/>, returning the whole C-STORE-RSP (e.g. its Error Comment). The command's
    /// Affected SOP Class/Instance UIDs are <paramref name="file"/>'s <see cref="Part10Source.SopClassUid"/> and
    /// <see cref="Part10Source.SopInstanceUid"/>.</summary>
    public async Task<DimseResponse> StoreWithResponseAsync(Part10Source file, string? moveOriginatorAe = null, ushort? moveOriginatorId = null, CancellationToken ct = default)
    {
        var rq = DimseCommand.StoreRequest(NextId(), file.SopClassUid, file.SopInstanceUid, 0, moveOriginatorAe, moveOriginatorId);
        var (pc, target) = file.SelectContext(Accept.PresentationContexts);
        var writer = await file.OpenWriterAsync(target, ct).ConfigureAwait(false); // an unreadable source fails here, before the request is sent
        await channel.SendAsync(pc.Id, rq, writer, ct).ConfigureAwait(false);
        return await ReadResponseAsync(rq, null, ct).ConfigureAwait(false);
    }

    public IAsyncEnumerable<DimseResponse> FindAsync(string sopClass, DicomDataset identifier, CancellationToken ct = default) =>
        RunAsync(DimseCommand.FindRequest(NextId(), sopClass), identifier, null, ct);

    public IAsyncEnumerable<DimseResponse> MoveAsync(string sopClass, string destinationAe, DicomDataset identifier, CancellationToken ct = default) =>
        RunAsync(DimseCommand.MoveRequest(NextId(), sopClass, destinationAe), identifier, null, ct);

    /// <summary>C-GET: objects arrive as C-STORE sub-operations on this association and are handed to <paramref name="onStore"/>.</summary>
    public IAsyncEnumerable<DimseResponse> GetAsync(string sopClass, DicomDataset identifier, Func<CStoreRequest, ValueTask<ushort>> onStore, CancellationToken ct = default) =>
        RunAsync(DimseCommand.GetRequest(NextId(), sopClass), identifier, onStore, ct);

    /// <summary>Asks the SCP to stop the operation with this message ID (C-CANCEL-RQ).</summary>
    public Task CancelAsync(ushort messageId, byte pcId, CancellationToken ct = default) =>
        channel.SendAsync(pcId, DimseCommand.CancelRequest(messageId), null, ct);

    private async IAsyncEnumerable<DimseResponse> RunAsync(DicomDataset rq, DicomDataset identifier,
        Func<CStoreRequest, ValueTask<ushort>>? onStore, [EnumeratorCancellation] CancellationToken ct)
    {
        var sopClass = rq.GetString(DicomTags.AffectedSOPClassUID)!;
        var pc = Require(sopClass);
        var syntax = DicomTransferSyntax.FromUid(pc.AcceptedTransferSyntax!);
        await channel.SendAsync(pc.Id, rq, (s, _) =>
        {
            new DicomWriter(s, syntax).Write(identifier);
            return ValueTask.CompletedTask;
        }, ct).ConfigureAwait(false);
        while (true)
        {
            var rsp = await ReadResponseAsync(rq, onStore, ct).ConfigureAwait(false);
            yield return rsp;
            if (!rsp.IsPending) yield break;
        }
    }

    /// <summary>Reads until the response to <paramref name="rq"/>, serving C-STORE sub-operations (C-GET) on the way.</summary>
    private async Task<DimseResponse> ReadResponseAsync(DicomDataset rq, Func<CStoreRequest, ValueTask<ushort>>? onStore, CancellationToken ct)
    {
        ushort id = DimseCommand.MessageId(rq);
        while (true)
        {
            var (kind, msg) = await channel.ReceiveAsync(SinkFor, options.ResponseTimeout, ct).ConfigureAwait(false);
            if (kind != ChannelEventKind.Message || msg is null)
                throw new DicomNetworkException($"unexpected {kind} while waiting for a response");
            var pc = Accept.PresentationContexts.FirstOrDefault(p => p.Id == msg.PresentationContextId && p.Result == PresentationContextResult.Acceptance)
                ?? throw new DicomNetworkException($"message on presentation context {msg.PresentationContextId}, which was not accepted");
            var syntax = DicomTransferSyntax.FromUid(pc.AcceptedTransferSyntax!);
            if (msg.Field == DimseCommandField.CStoreRequest)
            {
                await ServeStoreAsync(msg, syntax, onStore, ct).ConfigureAwait(false);
                continue;
            }
            if (((ushort)msg.Field & 0x8000) == 0 || DimseCommand.RespondedTo(msg.Command) != id)
                throw new DicomNetworkException($"unexpected {msg.Field} (responding to {DimseCommand.RespondedTo(msg.Command)}) while waiting for the response to message {id}");
            DicomDataset? identifier = null;
            if (msg.Data is BoundedMemoryStream ms) identifier = ms.ToDataset(syntax);
            return new DimseResponse(msg.Command, identifier);
        }
    }

    private Stream SinkFor(byte pcId, DicomDataset command)
    {
        if (DimseCommand.Field(command) != DimseCommandField.CStoreRequest) return new BoundedMemoryStream(16 << 20);
        var pc = Accept.PresentationContexts.FirstOrDefault(p => p.Id == pcId && p.Result == PresentationContextResult.Acceptance)
            ?? throw new DicomNetworkException($"C-STORE on presentation context {pcId}, which was not accepted");
        return Part10Sink.Create(options.TempDirectory, PlainDicomSpool.Instance, command, DicomTransferSyntax.FromUid(pc.AcceptedTransferSyntax!), Accept.CalledAeTitle);
    }

    private async Task ServeStoreAsync(DimseMessage msg, DicomTransferSyntax syntax, Func<CStoreRequest, ValueTask<ushort>>? onStore, CancellationToken ct)
    {
        var sink = (SpoolSink)msg.Data!;
        var path = sink.Path;
        await sink.DisposeAsync().ConfigureAwait(false);
        ushort status = DimseStatus.SopClassNotSupported;
        string? comment = null;
        try
        {
            if (onStore is not null)
            {
                var info = new AssociationInfo(Accept.CalledAeTitle, Accept.CallingAeTitle, null, null);
                var sopClass = msg.Command.GetString(DicomTags.AffectedSOPClassUID) ?? "";
                var sopInstance = msg.Command.GetString(DicomTags.AffectedSOPInstanceUID) ?? "";
                var rq = new CStoreRequest(info, DimseCommand.MessageId(msg.Command), sopClass, sopInstance, syntax, path, null);
                if (StoredObjectCheck.Refusal(PlainDicomSpool.Instance, path, sopClass, sopInstance) is { } refusal) (status, comment) = refusal;
                else status = await onStore(rq).ConfigureAwait(false);
            }
        }
        finally
        {
            if (File.Exists(path)) File.Delete(path);
        }
        var rsp = DimseCommand.Response(msg.Command, status);
        if (comment is not null) rsp.SetString(DicomTags.ErrorComment, DicomVR.LO, comment);
        await channel.SendAsync(msg.PresentationContextId, rsp, null, ct).ConfigureAwait(false);
    }

    /// <summary>A-RELEASE-RQ, then wait (ARTIM) for A-RELEASE-RP.</summary>
    public async Task ReleaseAsync(CancellationToken ct = default)
    {
        if (closed) return;
        closed = true;
        try
        {
            await channel.SendRawAsync(SimplePdus.ReleaseRequest(), ct).ConfigureAwait(false);
            while (true)
            {
                var pdu = await channel.ReadPduAsync(options.ArtimTimeout, ct).ConfigureAwait(false);
                if (pdu is null || pdu.Value.Type == PduType.ReleaseResponse) break;
                if (pdu.Value.Type == PduType.Abort) break;
                if (pdu.Value.Type == PduType.ReleaseRequest) { await channel.SendRawAsync(SimplePdus.ReleaseResponse(), ct).ConfigureAwait(false); break; }
            }
        }
        finally
        {
            await channel.Stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// For an association held open with nothing to send: waits up to <paramref name="timeout"/> for the peer to end it.
    /// True when the peer asked for release (A-RELEASE-RQ, answered with A-RELEASE-RP), false when it aborted or closed;
    /// <see cref="TimeoutException"/> when it did neither in time.
    /// </summary>
    public async Task<bool> WaitForPeerReleaseAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        if (closed) return false;
        try
        {
            var pdu = await channel.ReadPduAsync(timeout, ct).ConfigureAwait(false);
            if (pdu is null || pdu.Value.Type == PduType.Abort) return false;
            if (pdu.Value.Type != PduType.ReleaseRequest) throw new DicomNetworkException($"unexpected {pdu.Value.Type} while waiting for the peer to release");
            await channel.SendRawAsync(SimplePdus.ReleaseResponse(), ct).ConfigureAwait(false);
            closed = true;
            await channel.Stream.DisposeAsync().ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async Task AbortAsync()
    {
        if (closed) return;
        closed = true;
        await channel.TryAbortAsync(0, 0).ConfigureAwait(false);
        await channel.Stream.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await AbortAsync().ConfigureAwait(false);
}
