namespace Enamel.Dicom.Network;

/// <summary>DIMSE status codes (PS3.7 Annex C, and the service classes of PS3.4).</summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;
    /// <summary>Matches/sub-operations are continuing.</summary>
    public const ushort Pending = 0xFF00;
    /// <summary>Pending, but one or more optional keys were not supported.</summary>
    public const ushort PendingWarning = 0xFF01;
    public const ushort Cancel = 0xFE00;
    /// <summary>Coercion of data elements / sub-operations complete with failures or warnings.</summary>
    public const ushort Warning = 0xB000;
    public const ushort ElementsDiscarded = 0xB006;
    public const ushort DataSetDoesNotMatchSopClassWarning = 0xB007;
    public const ushort OutOfResources = 0xA700;
    public const ushort OutOfResourcesSubOperations = 0xA702;
    public const ushort MoveDestinationUnknown = 0xA801;
    public const ushort IdentifierDoesNotMatchSopClass = 0xA900;
    /// <summary>C-STORE (PS3.4 B.2.3): the data set's SOP Class or SOP Instance UID is not the command's Affected one (same code as 0xA900 above).</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;
    /// <summary>C-STORE (PS3.4 B.2.3): the data set cannot be understood (not parsable, or no SOP Class/Instance UID).</summary>
    public const ushort CannotUnderstand = 0xC000;
    public const ushort UnableToProcess = 0xC000;
    public const ushort SopClassNotSupported = 0x0122;
    public const ushort UnrecognizedOperation = 0x0211;
    public const ushort ProcessingFailure = 0x0110;
    public const ushort DuplicateSopInstance = 0x0111;

    public static bool IsPending(ushort s) => s is Pending or PendingWarning;
    public static bool IsWarning(ushort s) => s == 0x0001 || (s & 0xF000) == 0xB000;
    public static bool IsFailure(ushort s) => !IsPending(s) && !IsWarning(s) && s != Success && s != Cancel;

    public static string Describe(ushort s) => s switch
    {
        Success => "Success",
        Pending => "Pending",
        PendingWarning => "Pending (optional keys not supported)",
        Cancel => "Cancel",
        Warning => "Warning",
        ElementsDiscarded => "Warning: elements discarded",
        DataSetDoesNotMatchSopClassWarning => "Warning: data set does not match SOP class",
        OutOfResources => "Failure: out of resources",
        OutOfResourcesSubOperations => "Failure: out of resources, unable to perform sub-operations",
        MoveDestinationUnknown => "Failure: move destination unknown",
        IdentifierDoesNotMatchSopClass => "Failure: identifier/data set does not match SOP class",
        UnableToProcess => "Failure: unable to process",
        SopClassNotSupported => "Failure: SOP class not supported",
        UnrecognizedOperation => "Failure: unrecognised operation",
        ProcessingFailure => "Failure: processing failure",
        DuplicateSopInstance => "Failure: duplicate SOP instance",
        _ => IsWarning(s) ? $"Warning 0x{s:X4}" : $"Failure 0x{s:X4}",
    };
}
