namespace Enamel.Dicom.Network;

/// <summary>
/// What every received C-STORE must satisfy before a handler sees it (PS3.4 B.2.3, PS3.7 9.1.1): the data set's own SOP
/// Class UID (0008,0016) and SOP Instance UID (0008,0018) are the command's Affected SOP Class UID (0000,0002) and
/// Affected SOP Instance UID (0000,1000). Otherwise a handler could be told one UID and be given an object with another,
/// and the requestor would get Success for a UID that was never stored. Refused like dcmtk's storescp: 0xA900 when they
/// differ, 0xC000 when the data set has none or cannot be parsed.
/// </summary>
internal static class StoredObjectCheck
{
    private static readonly DicomReadOptions Head = new() { StopBeforeTag = new DicomTag(0x0008, 0x0019) };

    /// <summary>The failure status and Error Comment (at most 64 characters, LO) for the spooled object, or null when it matches.</summary>
    public static (ushort Status, string Comment)? Refusal(IDicomSpool spool, string path, string affectedClass, string affectedInstance)
    {
        string? cls, inst;
        try
        {
            using var stream = spool.OpenRead(path);
            using var file = DicomFile.Open(stream, Head);
            cls = file.Dataset.GetString(DicomTags.SOPClassUID);
            inst = file.Dataset.GetString(DicomTags.SOPInstanceUID);
        }
        catch (Exception ex) when (ex is DicomFormatException or EndOfStreamException)
        {
            return (DimseStatus.CannotUnderstand, "data set cannot be parsed");
        }
        if (string.IsNullOrEmpty(cls) || string.IsNullOrEmpty(inst))
            return (DimseStatus.CannotUnderstand, "data set has no SOP Class UID or SOP Instance UID");
        if (!string.Equals(Trim(cls), Trim(affectedClass), StringComparison.Ordinal))
            return (DimseStatus.DataSetDoesNotMatchSopClass, "SOP Class UID differs from Affected SOP Class UID");
        if (!string.Equals(Trim(inst), Trim(affectedInstance), StringComparison.Ordinal))
            return (DimseStatus.DataSetDoesNotMatchSopClass, "SOP Instance UID differs from Affected SOP Instance UID");
        return null;
    }

    private static string Trim(string uid) => uid.TrimEnd('\0', ' ');
}
