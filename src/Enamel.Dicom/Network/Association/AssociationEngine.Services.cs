namespace Enamel.Dicom.Network;

/// <summary>DIMSE-C service dispatch: C-ECHO built in; C-STORE, C-FIND, C-MOVE, C-GET through the handlers.</summary>
internal sealed partial class AssociationEngine
{
    private async Task DispatchAsync(DimseMessage msg, CancellationToken ct)
    {
        var syntax = DicomTransferSyntax.FromUid(ContextOf(msg.PresentationContextId).AcceptedTransferSyntax!);
        switch (msg.Field)
        {
            case DimseCommandField.CEchoRequest:
                await RespondAsync(msg, DimseStatus.Success, ct).ConfigureAwait(false);
                break;
            case DimseCommandField.CStoreRequest:
                await StoreAsync(msg, syntax, ct).ConfigureAwait(false);
                break;
            case DimseCommandField.CFindRequest when o.FindHandler is not null:
            case DimseCommandField.CMoveRequest when o.MoveHandler is not null:
            case DimseCommandField.CGetRequest when o.GetHandler is not null:
                await StartOperationAsync(msg, syntax, ct).ConfigureAwait(false);
                break;
            case DimseCommandField.CCancelRequest:
                if (operations.TryGetValue(DimseCommand.RespondedTo(msg.Command), out var cts)) await cts.CancelAsync().ConfigureAwait(false);
                break;
            case DimseCommandField.CStoreResponse:
                if (subResponses.TryRemove(DimseCommand.RespondedTo(msg.Command), out var tcs)) tcs.TrySetResult(msg);
                else throw new DicomNetworkException("C-STORE-RSP for no outstanding sub-operation");
                break;
            default:
                Part10Sink.Discard(msg.Data);
                if (((ushort)msg.Field & 0x8000) != 0) throw new DicomNetworkException($"unexpected {msg.Field} on an SCP association");
                await RespondAsync(msg, DimseStatus.UnrecognizedOperation, ct).ConfigureAwait(false);
                break;
        }
    }

    private Task RespondAsync(DimseMessage msg, ushort status, CancellationToken ct, string? errorComment = null)
    {
        var rsp = DimseCommand.Response(msg.Command, status);
        if (errorComment is not null) rsp.SetString(DicomTags.ErrorComment, DicomVR.LO, errorComment);
        return channel.SendAsync(msg.PresentationContextId, rsp, null, ct);
    }

    private async Task StoreAsync(DimseMessage msg, DicomTransferSyntax syntax, CancellationToken ct)
    {
        var sink = (SpoolSink)msg.Data!;
        var path = sink.Path;
        await sink.DisposeAsync().ConfigureAwait(false);
        var sopClass = msg.Command.GetString(DicomTags.AffectedSOPClassUID) ?? "";
        var sopInstance = msg.Command.GetString(DicomTags.AffectedSOPInstanceUID) ?? "";
        ushort status = DimseStatus.SopClassNotSupported;
        string? comment = null;
        try
        {
            if (o.StoreHandler is { } handler)
            {
                var rq = new CStoreRequest(info, DimseCommand.MessageId(msg.Command), sopClass, sopInstance, syntax, path,
                    msg.Command.GetString(DicomTags.MoveOriginatorApplicationEntityTitle)) { Spool = o.Spool };
                try
                {
                    // The handler is only ever given an object whose own UIDs are the ones the command names.
                    if (StoredObjectCheck.Refusal(o.Spool, path, sopClass, sopInstance) is { } refusal)
                    {
                        (status, comment) = refusal;
                        NetworkLog.HandlerFailed(log, id, "C-STORE", $"refused (0x{status:X4}): {comment}");
                    }
                    else status = await handler.StoreAsync(rq, ct).ConfigureAwait(false);
                }
                catch (DimseRefusedException refused)
                {
                    // The handler's refusal with its reason, sent to the peer as the Error Comment.
                    (status, comment) = (refused.Status, refused.Message.Length <= 64 ? refused.Message : refused.Message[..63] + "…");
                    NetworkLog.HandlerFailed(log, id, "C-STORE", $"refused (0x{status:X4}): {refused.Message}");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    NetworkLog.HandlerFailed(log, id, "C-STORE", ex.GetType().Name + ": " + ex.Message);
                    status = DimseStatus.OutOfResources;
                }
            }
        }
        finally
        {
            o.Spool.Delete(path);
        }
        if (!DimseStatus.IsFailure(status)) MarkProductive();
        NetworkLog.Stored(log, id, sopClass, status);
        await RespondAsync(msg, status, ct, comment).ConfigureAwait(false);
    }

    private async Task StartOperationAsync(DimseMessage msg, DicomTransferSyntax syntax, CancellationToken ct)
    {
        DicomDataset identifier;
        try
        {
            identifier = msg.Data is BoundedMemoryStream ms ? ms.ToDataset(syntax) : throw new DicomFormatException("no identifier", 0, "");
        }
        catch (DicomFormatException)
        {
            await RespondAsync(msg, DimseStatus.IdentifierDoesNotMatchSopClass, ct).ConfigureAwait(false);
            return;
        }
        var messageId = DimseCommand.MessageId(msg.Command);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        operations[messageId] = cts;
        running.Add(Task.Run(async () =>
        {
            try
            {
                var sopClass = msg.Command.GetString(DicomTags.AffectedSOPClassUID) ?? "";
                var work = msg.Field switch
                {
                    DimseCommandField.CFindRequest => FindAsync(msg, new CFindRequest(info, sopClass, identifier), cts.Token),
                    DimseCommandField.CMoveRequest => MoveAsync(msg, new RetrieveRequest(info, sopClass, identifier, msg.Command.GetString(DicomTags.MoveDestination)), cts.Token),
                    _ => GetAsync(msg, new RetrieveRequest(info, sopClass, identifier, null), cts.Token),
                };
                await work.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or DicomNetworkException or ObjectDisposedException || (ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                // The association is going away; the main loop reports why.
            }
            catch (DimseRefusedException refused)
            {
                NetworkLog.HandlerFailed(log, id, msg.Field.ToString(), $"refused (0x{refused.Status:X4}): {refused.Message}");
                try { await RespondAsync(msg, refused.Status, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception sendFailure) when (sendFailure is IOException or DicomNetworkException or ObjectDisposedException) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A handler failed: this edge maps it to a DIMSE failure status for this operation only.
                NetworkLog.HandlerFailed(log, id, msg.Field.ToString(), ex.GetType().Name + ": " + ex.Message);
                try { await RespondAsync(msg, DimseStatus.UnableToProcess, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception sendFailure) when (sendFailure is IOException or DicomNetworkException or ObjectDisposedException) { }
            }
            finally
            {
                operations.TryRemove(messageId, out _);
                cts.Dispose();
            }
        }, CancellationToken.None));
    }

    private async Task FindAsync(DimseMessage msg, CFindRequest rq, CancellationToken ct)
    {
        ushort final = DimseStatus.Success;
        try
        {
            await foreach (var match in o.FindHandler!.FindAsync(rq, ct).WithCancellation(ct).ConfigureAwait(false))
            {
                var syntax = DicomTransferSyntax.FromUid(ContextOf(msg.PresentationContextId).AcceptedTransferSyntax!);
                await channel.SendAsync(msg.PresentationContextId, DimseCommand.Response(msg.Command, DimseStatus.Pending, hasDataSet: true),
                    (s, _) => { new DicomWriter(s, syntax).Write(match); return ValueTask.CompletedTask; }, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { final = DimseStatus.Cancel; }
        catch (DimseRefusedException refused)
        {
            NetworkLog.HandlerFailed(log, id, "C-FIND", $"refused (0x{refused.Status:X4}): {refused.Message}");
            final = refused.Status;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IOException and not DicomNetworkException)
        {
            NetworkLog.HandlerFailed(log, id, "C-FIND", ex.GetType().Name + ": " + ex.Message);
            final = DimseStatus.UnableToProcess;
        }
        if (!DimseStatus.IsFailure(final)) MarkProductive();
        await channel.SendAsync(msg.PresentationContextId, DimseCommand.Response(msg.Command, final), null, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task MoveAsync(DimseMessage msg, RetrieveRequest rq, CancellationToken ct)
    {
        var handler = o.MoveHandler!;
        var dest = rq.MoveDestination is { Length: > 0 } ae ? await handler.ResolveDestinationAsync(ae, ct).ConfigureAwait(false) : null;
        if (dest is null)
        {
            await RespondAsync(msg, DimseStatus.MoveDestinationUnknown, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        var files = await ListSourcesAsync(await handler.GetSourcesAsync(rq, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var counts = new SubOperationCounts { Remaining = files.Sources.Count, Failed = files.Unreadable };
        ushort final;
        string? sendComment = null;
        if (files.Sources.Count == 0) final = Final(counts);
        else
        {
            var client = (o.MoveClientOptions ?? new DicomClientOptions { TempDirectory = o.TempDirectory, Logger = log }) with
            {
                Host = dest.Host, Port = dest.Port, CalledAeTitle = dest.AeTitle, CallingAeTitle = o.AeTitle,
            };
            DicomClientAssociation sub;
            try { sub = await DicomClient.ConnectAsync(client, DicomClient.ProposeStorage(files.Sources), ct).ConfigureAwait(false); }
            catch (DicomNetworkException ex)
            {
                NetworkLog.HandlerFailed(log, id, "C-MOVE", $"cannot associate with {dest.AeTitle}: {ex.Message}");
                await RespondAsync(msg, DimseStatus.OutOfResourcesSubOperations, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            await using (sub)
            {
                (final, sendComment) = await RunSubOperationsAsync(msg, files.Sources, counts,
                    f => sub.StoreAsync(f, info.CallingAeTitle, DimseCommand.MessageId(msg.Command), ct), ct).ConfigureAwait(false);
                if (final != DimseStatus.Cancel) await sub.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        await SendFinalAsync(msg, final, counts, files.Comment ?? sendComment).ConfigureAwait(false);
    }

    private async Task GetAsync(DimseMessage msg, RetrieveRequest rq, CancellationToken ct)
    {
        var files = await ListSourcesAsync(await o.GetHandler!.GetSourcesAsync(rq, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        var counts = new SubOperationCounts { Remaining = files.Sources.Count, Failed = files.Unreadable };
        var (final, sendComment) = await RunSubOperationsAsync(msg, files.Sources, counts, f => StoreOnThisAssociationAsync(f, ct), ct).ConfigureAwait(false);
        await SendFinalAsync(msg, final, counts, files.Comment ?? sendComment).ConfigureAwait(false);
    }

    private async Task<ushort> StoreOnThisAssociationAsync(Part10Source f, CancellationToken ct)
    {
        var (pc, target) = f.SelectContext(accept.PresentationContexts);
        var writer = await f.OpenWriterAsync(target, ct).ConfigureAwait(false); // an unreadable source fails here, before the request is sent
        ushort subId = (ushort)NextSubMessageId();
        var tcs = new TaskCompletionSource<DimseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        subResponses[subId] = tcs;
        await channel.SendAsync(pc.Id, DimseCommand.StoreRequest(subId, f.SopClassUid, f.SopInstanceUid), writer, ct).ConfigureAwait(false);
        var rsp = await tcs.Task.WaitAsync(o.IdleTimeout, ct).ConfigureAwait(false);
        return DimseCommand.Status(rsp.Command);
    }

    /// <returns>The final status, and the Error Comment of the first source that could not be read to its end (its sub-operation failed alone).</returns>
    private async Task<(ushort Final, string? Comment)> RunSubOperationsAsync(DimseMessage msg, List<Part10Source> files, SubOperationCounts counts,
        Func<Part10Source, Task<ushort>> store, CancellationToken ct)
    {
        string? comment = null;
        foreach (var f in files)
        {
            if (ct.IsCancellationRequested) return (DimseStatus.Cancel, comment);
            ushort status;
            try { status = await store(f).ConfigureAwait(false); }
            catch (DicomSourceUnreadableException ex)
            {
                // Thrown while opening the source, before its C-STORE-RQ was sent: this sub-operation fails, the others go on.
                NetworkLog.HandlerFailed(log, id, "retrieve", $"source unreadable: {ex.Comment}");
                comment ??= ex.Comment;
                status = DimseStatus.ProcessingFailure;
            }
            catch (DicomNetworkException ex) when (ex is not DicomAbortException)
            {
                NetworkLog.HandlerFailed(log, id, msg.Field.ToString(), ex.Message);
                status = DimseStatus.ProcessingFailure;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return (DimseStatus.Cancel, comment); }
            counts.Remaining--;
            if (status != DimseStatus.Success) NetworkLog.SubOperation(log, id, f.SopClassUid, status);
            if (status == DimseStatus.Success) counts.Completed++;
            else if (DimseStatus.IsWarning(status)) counts.Warning++;
            else counts.Failed++;
            var pending = DimseCommand.WithSubOperations(DimseCommand.Response(msg.Command, DimseStatus.Pending), counts, includeRemaining: true);
            await channel.SendAsync(msg.PresentationContextId, pending, null, CancellationToken.None).ConfigureAwait(false);
        }
        return (Final(counts), comment);
    }

    private static ushort Final(SubOperationCounts c) =>
        c.Failed == 0 && c.Warning == 0 ? DimseStatus.Success
        : c.Completed == 0 && c.Warning == 0 ? DimseStatus.OutOfResourcesSubOperations
        : DimseStatus.Warning;

    /// <param name="comment">Why sources could not be read (<see cref="DicomSourceUnreadableException"/>): the Error Comment of a final status that reports failed sub-operations.</param>
    private Task SendFinalAsync(DimseMessage msg, ushort status, SubOperationCounts counts, string? comment = null)
    {
        if (!DimseStatus.IsFailure(status)) MarkProductive();
        var rsp = DimseCommand.WithSubOperations(DimseCommand.Response(msg.Command, status), counts, includeRemaining: status == DimseStatus.Cancel);
        if (comment is not null && counts.Failed > 0 && status != DimseStatus.Success) rsp.SetString(DicomTags.ErrorComment, DicomVR.LO, comment);
        return channel.SendAsync(msg.PresentationContextId, rsp, null, CancellationToken.None);
    }

    private async Task<(List<Part10Source> Sources, int Unreadable, string? Comment)> ListSourcesAsync(IReadOnlyList<DicomObjectSource> sources, CancellationToken ct)
    {
        var list = new List<Part10Source>(sources.Count);
        int bad = 0;
        string? comment = null;
        foreach (var p in sources)
        {
            try { list.Add(await Part10Source.ReadAsync(p, ct).ConfigureAwait(false)); }
            catch (DicomSourceUnreadableException ex)
            {
                NetworkLog.HandlerFailed(log, id, "retrieve", $"source unreadable: {ex.Comment}");
                comment ??= ex.Comment;
                bad++;
            }
            catch (Exception ex) when (ex is DicomFormatException or IOException or UnauthorizedAccessException)
            {
                NetworkLog.HandlerFailed(log, id, "retrieve", $"source file unreadable: {ex.Message}");
                comment ??= "a stored object could not be read";
                bad++;
            }
        }
        return (list, bad, comment);
    }
}
