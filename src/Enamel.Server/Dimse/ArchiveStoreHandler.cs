using Enamel.Core.Errors;
using Enamel.Core.Studies;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// C-STORE into the archive through the one ingest pipeline, each instance decided for the patient it belongs to
/// (0x0124 when the AE's account may not store there); the spooled file is removed by the engine afterwards.
/// </summary>
internal sealed class ArchiveStoreHandler(StoreInstance store, DimseAccess access, Operations.EnamelMetrics metrics) : ICStoreHandler
{
    // PS3.4 B.2.3 / PS3.7 C: statuses a storage SCU understands.
    private const ushort DuplicateInstance = 0x0111;
    private const ushort OutOfResources = 0xA700;

    public async ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct)
    {
        var target = await access.StoreTargetAsync(request.Association, ct);
        try
        {
            await using var file = request.OpenRead(); // decrypted from the spool as it is read
            var counted = new Operations.CountingStream(file);
            var result = await store.ExecuteAsync(counted, target, ct);
            metrics.RecordStore(Operations.IngestChannel.CStore, Operations.EnamelMetrics.Outcome(result.Status), counted.BytesRead);
            return result.Status switch
            {
                StoreStatus.Refused => DimseRefusedException.NotAuthorized,
                StoreStatus.Conflict => DuplicateInstance,
                _ => DimseStatus.Success,
            };
        }
        catch (EnamelException ex)
        {
            metrics.RecordStore(Operations.IngestChannel.CStore, Operations.StoreOutcome.Invalid, 0);
            // Nothing was kept; the peer learns why (no patient data in the reason: tags, offsets and sizes).
            throw DimseErrors.Refusal(ex);
        }
        catch (IOException)
        {
            metrics.RecordStore(Operations.IngestChannel.CStore, Operations.StoreOutcome.Failed, 0);
            return OutOfResources;
        }
    }
}
