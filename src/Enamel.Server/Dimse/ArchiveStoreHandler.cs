using Enamel.Core.Studies;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>C-STORE into the archive through the one ingest pipeline; the spooled file is removed by the engine afterwards.</summary>
internal sealed class ArchiveStoreHandler(StoreInstance store, DimseAccess access) : ICStoreHandler
{
    // PS3.4 B.2.3 / PS3.7 C: statuses a storage SCU understands.
    private const ushort DuplicateInstance = 0x0111;
    private const ushort OutOfResources = 0xA700;
    private const ushort CannotUnderstand = 0xC000;

    public async ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct)
    {
        if (!await access.AllowAsync<ICStoreHandler>(request.Association, null, ct))
            return DimseRefusedException.NotAuthorized;
        try
        {
            await using var file = new FileStream(request.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            var result = await store.ExecuteAsync(file, ct);
            return result.Status == StoreStatus.Conflict ? DuplicateInstance : DimseStatus.Success;
        }
        catch (InvalidInstanceException)
        {
            return CannotUnderstand;
        }
        catch (IOException)
        {
            return OutOfResources;
        }
    }
}
