namespace Enamel.Dicom.Network;

/// <summary>A DIMSE response as the SCU sees it: the command, its status, and the identifier if one came.</summary>
public sealed record DimseResponse(DicomDataset Command, DicomDataset? Identifier)
{
    public ushort Status => DimseCommand.Status(Command);
    public bool IsPending => DimseStatus.IsPending(Status);
    public int Completed => Command.GetInt32(DicomTags.NumberOfCompletedSuboperations);
    public int Failed => Command.GetInt32(DicomTags.NumberOfFailedSuboperations);
    public int Warning => Command.GetInt32(DicomTags.NumberOfWarningSuboperations);
    public int Remaining => Command.GetInt32(DicomTags.NumberOfRemainingSuboperations);
}
