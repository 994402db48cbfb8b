namespace Enamel.Core.Blobs;

/// <summary>
/// Reading a blob whole before delivering it: every segment is authenticated before the caller sends a byte, so a blob
/// that fails its integrity check (kind Corrupt) or whose data key was destroyed (kind Gone) raises Core's error while an
/// edge can still answer with a status (a problem detail, a failed C-GET/C-MOVE sub-operation) — never a response or a
/// DIMSE message cut short in the middle of the object.
/// </summary>
public static class WholeBlobs
{
    /// <summary>Objects up to this size are returned in memory after one authenticated read; larger ones are read once to verify, then rewound.</summary>
    public const long InMemoryLimit = 64L << 20;

    public static async Task<Stream> OpenWholeAsync(this IBlobStore blobs, BlobId id, CancellationToken ct)
    {
        var stream = await blobs.OpenReadAsync(id, ct);
        try
        {
            if (stream.Length <= InMemoryLimit)
            {
                var memory = new MemoryStream((int)stream.Length);
                await stream.CopyToAsync(memory, 1 << 16, ct);
                await stream.DisposeAsync();
                memory.Position = 0;
                return memory;
            }
            var discard = new byte[1 << 16];
            while (await stream.ReadAsync(discard, ct) > 0) { }
            stream.Position = 0;
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}
