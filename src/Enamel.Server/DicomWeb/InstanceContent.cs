using Enamel.Core.Studies;
using Enamel.Dicom;

namespace Enamel.Server.DicomWeb;

/// <summary>Delivers a stored instance in a requested transfer syntax: as stored when it matches, else re-encoded and, when either side is compressed, transcoded frame by frame.</summary>
internal static class InstanceContent
{
    public static bool CanDeliver(string storedSyntax, string requested)
    {
        if (requested == "*" || requested == storedSyntax) return true;
        DicomTransferSyntax from, to;
        try
        {
            from = DicomTransferSyntax.FromUid(storedSyntax);
            to = DicomTransferSyntax.FromUid(requested);
        }
        catch (DicomFormatException)
        {
            return false; // an empty or non-transfer-syntax UID was asked for
        }
        var codecs = Enamel.Dicom.Codecs.DicomCodecRegistry.Default;
        return (!from.IsEncapsulated || codecs.TryGet(from.Uid, out _)) &&
               (!to.IsEncapsulated || (codecs.TryGet(to.Uid, out var encoder) && encoder.CanEncode));
    }

    /// <param name="stored">The instance's object, opened whole (<see cref="StoredObjects.OpenWholeAsync"/>) before the caller wrote anything; disposed here.</param>
    public static async Task WriteAsync(Stream stored, IngestLimits limits, StoredInstance instance, string requested, Stream output, CancellationToken ct)
    {
        await using var stream = stored;
        if (requested == "*" || requested == instance.Blob.TransferSyntaxUid)
        {
            await stream.CopyToAsync(output, 1 << 16, ct);
            return;
        }
        using var file = InstanceIntegrity.OpenImage(stream, limits);
        var target = DicomTransferSyntax.FromUid(requested);
        DicomFile converted;
        if (file.TransferSyntax.IsEncapsulated || target.IsEncapsulated)
            converted = Enamel.Dicom.Codecs.DicomTranscoder.Transcode(file, target);
        else
        {
            var meta = file.Meta.Clone();
            meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, requested);
            converted = new DicomFile(meta, file.Dataset, file.Preamble);
        }
        // Pixel data values stay deferred in the decrypting stream; the synchronous writer feeds a bounded pipe
        // that is copied to the response asynchronously, so memory does not grow with the object.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var writer = Task.Run(async () =>
        {
            try
            {
                await using (var s = pipe.Writer.AsStream(leaveOpen: true)) converted.Save(s);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
            }
        }, ct);
        await pipe.Reader.CopyToAsync(output, ct);
        await pipe.Reader.CompleteAsync();
        await writer;
    }
}
