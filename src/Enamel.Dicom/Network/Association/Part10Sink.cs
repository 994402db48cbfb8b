namespace Enamel.Dicom.Network;

/// <summary>
/// Receives a C-STORE data set straight into a temporary Part 10 file: preamble and File Meta Information are
/// written first from the command and the presentation context, then the data set bytes as they arrive. The
/// object is never held whole in memory and never re-encoded.
/// </summary>
internal static class Part10Sink
{
    public static FileStream Create(string directory, DicomDataset command, DicomTransferSyntax syntax, string sourceAe)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".part");
        var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.None);
        try
        {
            var meta = new DicomDataset();
            meta.SetUInt32(DicomTags.FileMetaInformationGroupLength, 0);
            meta.SetBytes(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 });
            meta.SetString(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, command.GetString(DicomTags.AffectedSOPClassUID) ?? "");
            meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, command.GetString(DicomTags.AffectedSOPInstanceUID) ?? "");
            meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
            meta.SetString(DicomTags.ImplementationClassUID, DicomVR.UI, DicomImplementation.ClassUid);
            meta.SetString(DicomTags.ImplementationVersionName, DicomVR.SH, DicomImplementation.VersionName);
            if (sourceAe.Length > 0) meta.SetString(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, sourceAe);
            fs.Write(new byte[128]);
            fs.Write("DICM"u8);
            new DicomWriter(fs, DicomTransferSyntax.ExplicitVRLittleEndian).Write(meta);
            return fs;
        }
        catch
        {
            fs.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Closes the sink and removes its file (used when the transfer failed, so nothing partial is kept).</summary>
    public static void Discard(Stream? sink)
    {
        if (sink is not FileStream fs) { sink?.Dispose(); return; }
        var path = fs.Name;
        fs.Dispose();
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
