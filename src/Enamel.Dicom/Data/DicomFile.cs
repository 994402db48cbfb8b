namespace Enamel.Dicom;

/// <summary>
/// A DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", File Meta Information, then the dataset in
/// its transfer syntax. Files opened from a path keep the file open for deferred values until disposed.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private IDisposable? owner;

    public DicomFile(DicomDataset meta, DicomDataset dataset, byte[]? preamble = null)
    {
        Meta = meta;
        Dataset = dataset;
        Preamble = preamble ?? new byte[128];
    }

    /// <summary>File Meta Information (group 0002).</summary>
    public DicomDataset Meta { get; }
    public DicomDataset Dataset { get; }
    public byte[] Preamble { get; }

    /// <summary>False for a bare dataset read without preamble or meta header.</summary>
    public bool HadPart10Header { get; init; } = true;

    /// <summary>
    /// Where the dataset began in the bytes it was read from (after preamble and File Meta Information); 0 for a
    /// dataset built in memory. The bytes from here on are the dataset as its sender encoded it, whatever meta
    /// header a receiver wrapped around it.
    /// </summary>
    public long DatasetOffset { get; init; }

    /// <summary>True when a header-only read stopped before the rest of the dataset.</summary>
    public bool IsPartial { get; init; }

    public DicomTransferSyntax TransferSyntax
    {
        get
        {
            var uid = Meta.GetString(DicomTags.TransferSyntaxUID);
            return string.IsNullOrEmpty(uid) ? DicomTransferSyntax.ImplicitVRLittleEndian : DicomTransferSyntax.FromUid(uid);
        }
    }

    /// <summary>A new file for a dataset, with a fresh meta header naming Enamel as the implementation.</summary>
    public static DicomFile Create(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var meta = new DicomDataset();
        meta.SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 });
        meta.SetString(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, dataset.GetString(DicomTags.SOPClassUID) ?? "");
        meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, dataset.GetString(DicomTags.SOPInstanceUID) ?? "");
        meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
        meta.SetString(DicomTags.ImplementationClassUID, DicomVR.UI, DicomImplementation.ClassUid);
        meta.SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomImplementation.VersionName);
        return new DicomFile(meta, dataset);
    }

    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        var source = new FileRandomAccessSource(path);
        try
        {
            using (var stream = source.OpenStream())
            {
                var file = Part10Reader.Read(stream, options ?? DicomReadOptions.Default, source);
                file.owner = source;
                return file;
            }
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads from a stream. A seekable stream must stay open while deferred values are used.</summary>
    public static DicomFile Open(Stream stream, DicomReadOptions? options = null) =>
        Part10Reader.Read(stream, options ?? DicomReadOptions.Default, stream.CanSeek ? new StreamRandomAccessSource(stream) : null);

    public void Save(string path, DicomWriteOptions? options = null)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Save(fs, options);
    }

    public void Save(Stream stream, DicomWriteOptions? options = null) =>
        Part10Writer.Write(stream, this, options ?? DicomWriteOptions.Default);

    public void Dispose()
    {
        owner?.Dispose();
        owner = null;
    }
}
