using System.IO.Compression;

namespace Enamel.Dicom;

internal static class Part10Writer
{
    public static void Write(Stream stream, DicomFile file, DicomWriteOptions options)
    {
        var syntax = file.TransferSyntax;
        CheckPixelEncoding(file.Dataset, syntax);
        var buffered = new BufferedStream(stream, 1 << 16);
        buffered.Write(file.Preamble.Length == 128 ? file.Preamble : new byte[128]);
        buffered.Write("DICM"u8);

        // Meta: always explicit VR little endian; (0002,0000) is present and computed by the writer (PS3.10 7.1).
        var meta = file.Meta.Clone();
        meta.SetUInt32(DicomTags.FileMetaInformationGroupLength, 0);
        new DicomWriter(buffered, DicomTransferSyntax.ExplicitVRLittleEndian, options with { KeepGroupLengths = true }).Write(meta);

        if (syntax.IsDeflated)
        {
            buffered.Flush();
            using (var deflate = new DeflateStream(stream, options.DeflateLevel, leaveOpen: true))
            using (var inner = new BufferedStream(deflate, 1 << 16))
            {
                new DicomWriter(inner, syntax, options) { SkipFileMetaElements = true }.Write(file.Dataset);
            }
            stream.Flush();
            return;
        }
        new DicomWriter(buffered, syntax, options) { SkipFileMetaElements = true }.Write(file.Dataset);
        buffered.Flush();
    }

    private static void CheckPixelEncoding(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var pixel = dataset[DicomTags.PixelData];
        if (pixel is DicomFragmentSequence && !syntax.IsEncapsulated)
            throw new InvalidOperationException($"pixel data is encapsulated but {syntax.Name} needs native pixel data: transcode first");
        if (pixel is DicomValueElement && syntax.IsEncapsulated)
            throw new InvalidOperationException($"pixel data is native but {syntax.Name} needs encapsulated pixel data: transcode first");
    }
}
