namespace Enamel.Dicom.Network;

/// <summary>
/// Builds and reads DIMSE command sets (group 0000, PS3.7 9.3 and 10.3), always encoded Implicit VR Little
/// Endian with Command Group Length (0000,0000) first.
/// </summary>
public static class DimseCommand
{
    public const ushort NoDataSet = 0x0101;
    private const ushort DataSetPresent = 0x0001;

    private static DicomDataset Base(DimseCommandField field, string sopClass, bool hasDataSet)
    {
        var c = new DicomDataset();
        c.SetUInt32(DicomTags.CommandGroupLength, 0);
        if (sopClass.Length > 0) c.SetString(DicomTags.AffectedSOPClassUID, DicomVR.UI, sopClass);
        c.SetUInt16(DicomTags.CommandField, (ushort)field);
        c.SetUInt16(DicomTags.CommandDataSetType, hasDataSet ? DataSetPresent : NoDataSet);
        return c;
    }

    private static DicomDataset Request(DimseCommandField field, string sopClass, ushort messageId, bool hasDataSet)
    {
        var c = Base(field, sopClass, hasDataSet);
        c.SetUInt16(DicomTags.MessageID, messageId);
        return c;
    }

    public static DicomDataset Response(DicomDataset request, ushort status, bool hasDataSet = false)
    {
        var field = (DimseCommandField)((ushort)Field(request) | 0x8000);
        var c = Base(field, request.GetString(DicomTags.AffectedSOPClassUID) ?? "", hasDataSet);
        c.SetUInt16(DicomTags.MessageIDBeingRespondedTo, MessageId(request));
        c.SetUInt16(DicomTags.Status, status);
        if (request.GetString(DicomTags.AffectedSOPInstanceUID) is { Length: > 0 } iuid)
            c.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, iuid);
        return c;
    }

    public static DicomDataset EchoRequest(ushort messageId) => Request(DimseCommandField.CEchoRequest, DicomUids.Verification.Value, messageId, false);

    public static DicomDataset StoreRequest(ushort messageId, string sopClass, string sopInstance, ushort priority = 0,
        string? moveOriginatorAe = null, ushort? moveOriginatorMessageId = null)
    {
        var c = Request(DimseCommandField.CStoreRequest, sopClass, messageId, true);
        c.SetUInt16(DicomTags.Priority, priority);
        c.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, sopInstance);
        if (moveOriginatorAe is not null) c.SetString(DicomTags.MoveOriginatorApplicationEntityTitle, DicomVR.AE, moveOriginatorAe);
        if (moveOriginatorMessageId is { } mid) c.SetUInt16(DicomTags.MoveOriginatorMessageID, mid);
        return c;
    }

    public static DicomDataset FindRequest(ushort messageId, string sopClass) => WithPriority(Request(DimseCommandField.CFindRequest, sopClass, messageId, true));
    public static DicomDataset GetRequest(ushort messageId, string sopClass) => WithPriority(Request(DimseCommandField.CGetRequest, sopClass, messageId, true));

    public static DicomDataset MoveRequest(ushort messageId, string sopClass, string destinationAe)
    {
        var c = WithPriority(Request(DimseCommandField.CMoveRequest, sopClass, messageId, true));
        c.SetString(DicomTags.MoveDestination, DicomVR.AE, destinationAe);
        return c;
    }

    public static DicomDataset CancelRequest(ushort messageIdBeingRespondedTo)
    {
        var c = Base(DimseCommandField.CCancelRequest, "", false);
        c.SetUInt16(DicomTags.MessageIDBeingRespondedTo, messageIdBeingRespondedTo);
        return c;
    }

    private static DicomDataset WithPriority(DicomDataset c)
    {
        c.SetUInt16(DicomTags.Priority, 0);
        return c;
    }

    /// <summary>Adds Number of Remaining/Completed/Failed/Warning Sub-operations to a C-MOVE/C-GET response.</summary>
    public static DicomDataset WithSubOperations(DicomDataset response, SubOperationCounts counts, bool includeRemaining)
    {
        if (includeRemaining) response.SetUInt16(DicomTags.NumberOfRemainingSuboperations, (ushort)Math.Min(counts.Remaining, ushort.MaxValue));
        response.SetUInt16(DicomTags.NumberOfCompletedSuboperations, (ushort)Math.Min(counts.Completed, ushort.MaxValue));
        response.SetUInt16(DicomTags.NumberOfFailedSuboperations, (ushort)Math.Min(counts.Failed, ushort.MaxValue));
        response.SetUInt16(DicomTags.NumberOfWarningSuboperations, (ushort)Math.Min(counts.Warning, ushort.MaxValue));
        return response;
    }

    public static DimseCommandField Field(DicomDataset c) => (DimseCommandField)c.GetInt32(DicomTags.CommandField);
    public static ushort MessageId(DicomDataset c) => (ushort)c.GetInt32(DicomTags.MessageID);
    public static ushort RespondedTo(DicomDataset c) => (ushort)c.GetInt32(DicomTags.MessageIDBeingRespondedTo);
    public static ushort Status(DicomDataset c) => (ushort)c.GetInt32(DicomTags.Status);
    public static bool HasDataSet(DicomDataset c) => c.GetInt32(DicomTags.CommandDataSetType, NoDataSet) != NoDataSet;

    public static byte[] Encode(DicomDataset command)
    {
        var ms = new MemoryStream(256);
        new DicomWriter(ms, DicomTransferSyntax.ImplicitVRLittleEndian).Write(command);
        return ms.ToArray();
    }

    public static DicomDataset Decode(ReadOnlyMemory<byte> bytes)
    {
        var ds = new DicomDataset();
        try
        {
            var parser = new DicomParser(new DicomInput(new MemoryStream(bytes.ToArray(), writable: false)), DicomReadOptions.Default, null);
            parser.ParseDataset(ds, DicomTransferSyntax.ImplicitVRLittleEndian);
        }
        catch (DicomFormatException ex)
        {
            throw new DicomNetworkException($"malformed DIMSE command set: {ex.Message}", ex);
        }
        if (!ds.Contains(DicomTags.CommandField)) throw new DicomNetworkException("malformed DIMSE command set: no Command Field (0000,0100)");
        return ds;
    }
}

/// <summary>Sub-operation counters of C-MOVE and C-GET.</summary>
public sealed class SubOperationCounts
{
    public int Remaining { get; set; }
    public int Completed { get; set; }
    public int Failed { get; set; }
    public int Warning { get; set; }
}
