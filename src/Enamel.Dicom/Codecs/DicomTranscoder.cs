using System.Buffers.Binary;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs;

/// <summary>
/// Changes a file's transfer syntax: re-encodes between native syntaxes, decodes encapsulated pixel data to native,
/// encodes native pixel data with the target's codec, and goes through native between two encapsulated syntaxes.
/// Frames are handled one at a time; decoded native output is produced lazily while the result is written, so the
/// source file must stay open until the result has been saved.
/// </summary>
public static class DicomTranscoder
{
    public static DicomFile Transcode(DicomFile file, DicomTransferSyntax target, DicomCodecRegistry? codecs = null)
    {
        codecs ??= DicomCodecRegistry.Default;
        var source = file.TransferSyntax;
        var dataset = file.Dataset.Clone();
        var pixel = dataset[DicomTags.PixelData];

        if (pixel is not null && source.Uid != target.Uid && (source.IsEncapsulated || target.IsEncapsulated))
        {
            var pixelData = DicomPixelData.Create(file.Dataset, source, codecs);
            if (target.IsEncapsulated) Encode(pixelData, dataset, source, target, codecs);
            else Decode(pixelData, dataset, source);
        }

        // A bare dataset (no Part 10 header) gets a fresh meta group; otherwise the source's is kept and updated.
        var meta = file.Meta.Contains(DicomTags.MediaStorageSOPInstanceUID) ? file.Meta.Clone() : DicomFile.Create(dataset, target).Meta;
        meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, target.Uid);
        meta.SetString(DicomTags.ImplementationClassUID, DicomVR.UI, DicomImplementation.ClassUid);
        meta.SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomImplementation.VersionName);
        return new DicomFile(meta, dataset, file.Preamble);
    }

    private static void Decode(DicomPixelData pixelData, DicomDataset dataset, DicomTransferSyntax source)
    {
        var decoded = pixelData.DecodedInfo;
        var value = new DecodedPixelDataValue(pixelData);
        decoded.WriteTo(dataset);
        dataset.SetValue(DicomTags.PixelData, decoded.BitsAllocated <= 8 ? DicomVR.OB : DicomVR.OW, value);
        dataset.Remove(DicomTags.ExtendedOffsetTable);
        dataset.Remove(DicomTags.ExtendedOffsetTableLengths);
        if (source.IsLossy) MarkLossy(dataset, null);
    }

    private static void Encode(DicomPixelData pixelData, DicomDataset dataset, DicomTransferSyntax source, DicomTransferSyntax target, DicomCodecRegistry codecs)
    {
        if (!codecs.TryGet(target.Uid, out var codec))
            throw new DicomImagingException($"no codec for {target.Name} ({target.Uid})");
        if (!codec.CanEncode)
            throw new DicomImagingException($"encoding to {target.Name} is not supported; it can only be decoded");
        var nativeInfo = pixelData.DecodedInfo;
        var fragments = new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB);
        PixelDataInfo? encodedInfo = null;
        var offsets = new uint[pixelData.NumberOfFrames];
        long position = 0, nativeBytes = 0, encodedBytes = 0;
        for (int i = 0; i < pixelData.NumberOfFrames; i++)
        {
            var frame = pixelData.GetFrame(i);
            var (bytes, info) = codec.Encode(frame, nativeInfo);
            encodedInfo ??= info;
            offsets[i] = checked((uint)position);
            fragments.Fragments.Add(DicomValue.FromBytes(bytes));
            position += 8 + bytes.Length + (bytes.Length & 1);
            nativeBytes += frame.Length;
            encodedBytes += bytes.Length;
        }
        if (pixelData.NumberOfFrames > 1 && position <= uint.MaxValue)
        {
            var table = new byte[offsets.Length * 4];
            for (int i = 0; i < offsets.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), offsets[i]);
            fragments.OffsetTable = DicomValue.FromBytes(table);
        }
        encodedInfo!.WriteTo(dataset);
        dataset.Set(fragments);
        dataset.Remove(DicomTags.ExtendedOffsetTable);
        dataset.Remove(DicomTags.ExtendedOffsetTableLengths);
        if (source.IsLossy || target.IsLossy) MarkLossy(dataset, target.IsLossy ? LossyMethod(target) : null);
        if (target.IsLossy && encodedBytes > 0)
        {
            var ratio = ((double)nativeBytes / encodedBytes).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            dataset.SetString(DicomTags.LossyImageCompressionRatio, DicomVR.DS, [.. dataset.GetStrings(DicomTags.LossyImageCompressionRatio), ratio]);
        }
    }

    /// <summary>Once lossy, always flagged (PS3.3 C.7.6.1.1.5): Lossy Image Compression "01", and the method appended when this step is lossy.</summary>
    private static void MarkLossy(DicomDataset dataset, string? method)
    {
        dataset.SetString(DicomTags.LossyImageCompression, DicomVR.CS, "01");
        if (method is null) return;
        var methods = dataset.GetStrings(DicomTags.LossyImageCompressionMethod).Append(method).ToArray();
        dataset.SetString(DicomTags.LossyImageCompressionMethod, DicomVR.CS, methods);
    }

    private static string LossyMethod(DicomTransferSyntax syntax) => syntax.Uid switch
    {
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" => "ISO_10918_1",
        "1.2.840.10008.1.2.4.81" => "ISO_14495_1",
        "1.2.840.10008.1.2.4.91" => "ISO_15444_1",
        _ => syntax.Uid,
    };
}
