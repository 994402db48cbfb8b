namespace Enamel.Dicom.Network;

/// <summary>
/// Message-level I/O over an established association: reassembles commands and data sets from PDVs (data set
/// bytes go straight to a sink as they arrive) and fragments outgoing messages to the peer's maximum PDU length.
/// Sends are serialised; one reader at a time.
/// </summary>
internal sealed class DimseChannel(Stream stream, PduReader reader, uint peerMaxPdu)
{
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private List<Pdv>? pending;
    private int pendingIndex;
    private RawPdu pendingPdu;

    public Stream Stream { get; } = stream;
    public PduReader Reader { get; } = reader;
    public uint PeerMaxPdu { get; } = peerMaxPdu;

    /// <summary>True while <see cref="ReceiveAsync"/> has read part of a message (or has PDVs of one left over).</summary>
    public bool MessageInProgress => Volatile.Read(ref inProgress);
    private bool inProgress;

    /// <summary>Reads one PDU with a timeout covering the whole PDU (so a peer trickling bytes times out too).</summary>
    public async Task<RawPdu?> ReadPduAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout);
        try
        {
            return await Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete PDU within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Reads until a whole message or a release PDU. <paramref name="sinkFor"/> is asked for a sink once the
    /// command set is complete and announces a data set. A-ABORT raises <see cref="DicomAbortException"/>.
    /// </summary>
    public async Task<(ChannelEventKind Kind, DimseMessage? Message)> ReceiveAsync(
        Func<byte, DicomDataset, Stream> sinkFor, TimeSpan idleTimeout, CancellationToken ct)
    {
        MemoryStream? command = null;
        DicomDataset? commandSet = null;
        Stream? sink = null;
        byte pc = 0;
        try
        {
            while (true)
            {
                if (pending is not null && pendingIndex < pending.Count) Volatile.Write(ref inProgress, true);
                if (pending is null || pendingIndex >= pending.Count)
                {
                    var pdu = await ReadPduAsync(idleTimeout, ct).ConfigureAwait(false)
                        ?? throw new DicomNetworkException(command is null && sink is null
                            ? "connection closed by peer without A-RELEASE"
                            : "connection closed by peer in the middle of a message");
                    switch (pdu.Type)
                    {
                        case PduType.DataTransfer:
                            Volatile.Write(ref inProgress, true);
                            pending = PDataTf.Parse(pdu.Span);
                            pendingIndex = 0;
                            pendingPdu = pdu;
                            break;
                        case PduType.ReleaseRequest when command is null && sink is null:
                            return (ChannelEventKind.ReleaseRequest, null);
                        case PduType.ReleaseResponse when command is null && sink is null:
                            return (ChannelEventKind.ReleaseResponse, null);
                        case PduType.Abort:
                            var (source, reason) = SimplePdus.ParseAbort(pdu.Span);
                            throw new DicomAbortException($"peer aborted the association (source {source}, reason {reason})", source, reason);
                        default:
                            throw new DicomNetworkException($"unexpected PDU {pdu.Type} during data transfer");
                    }
                }
                var pdv = pending[pendingIndex++];
                var bytes = pendingPdu.Body.AsMemory(pdv.Offset, pdv.Length);
                if (pdv.IsCommand)
                {
                    if (commandSet is not null) throw new DicomNetworkException("command fragment received while a data set was expected");
                    if (command is not null && pdv.PresentationContextId != pc)
                        throw new DicomNetworkException($"command fragments for presentation contexts {pc} and {pdv.PresentationContextId} interleaved");
                    pc = pdv.PresentationContextId;
                    command ??= new MemoryStream();
                    if (command.Length + bytes.Length > 1 << 20) throw new DicomNetworkException("command set larger than 1 MiB");
                    command.Write(bytes.Span);
                    if (!pdv.IsLast) continue;
                    commandSet = DimseCommand.Decode(command.GetBuffer().AsMemory(0, (int)command.Length));
                    if (!DimseCommand.HasDataSet(commandSet))
                        return (ChannelEventKind.Message, new DimseMessage(pc, commandSet, null));
                    sink = sinkFor(pc, commandSet);
                }
                else
                {
                    if (commandSet is null || sink is null) throw new DicomNetworkException("data set fragment received before its command set");
                    if (pdv.PresentationContextId != pc)
                        throw new DicomNetworkException($"data set fragment on presentation context {pdv.PresentationContextId}, command was on {pc}");
                    await sink.WriteAsync(bytes, ct).ConfigureAwait(false);
                    if (!pdv.IsLast) continue;
                    var done = new DimseMessage(pc, commandSet, sink);
                    sink = null;
                    return (ChannelEventKind.Message, done);
                }
            }
        }
        catch
        {
            Part10Sink.Discard(sink); // nothing partial is kept
            throw;
        }
        finally
        {
            Volatile.Write(ref inProgress, false);
        }
    }

    /// <summary>Sends a command and, if given, a data set written by <paramref name="writeData"/>.</summary>
    public async Task SendAsync(byte pcId, DicomDataset command, Func<Stream, CancellationToken, ValueTask>? writeData, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var cmd = new PDataOutputStream(Stream, pcId, isCommand: true, PeerMaxPdu);
            await cmd.WriteAsync(DimseCommand.Encode(command), ct).ConfigureAwait(false);
            await cmd.CompleteAsync(ct).ConfigureAwait(false);
            if (writeData is null) return;
            var data = new PDataOutputStream(Stream, pcId, isCommand: false, PeerMaxPdu);
            await writeData(data, ct).ConfigureAwait(false);
            await data.CompleteAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    public async Task SendRawAsync(byte[] pdu, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await Stream.WriteAsync(pdu, ct).ConfigureAwait(false);
            await Stream.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Best-effort A-ABORT before closing: the peer may already be gone, which is fine.</summary>
    public async Task TryAbortAsync(byte source, byte reason)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await SendRawAsync(SimplePdus.Abort(source, reason), cts.Token).ConfigureAwait(false); }
        catch (IOException) { }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (System.Net.Sockets.SocketException) { }
    }
}
