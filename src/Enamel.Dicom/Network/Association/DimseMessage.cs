namespace Enamel.Dicom.Network;

/// <summary>A received DIMSE message: its command set and, if any, where its data set was streamed.</summary>
public sealed class DimseMessage(byte presentationContextId, DicomDataset command, Stream? data)
{
    public byte PresentationContextId { get; } = presentationContextId;
    public DicomDataset Command { get; } = command;
    /// <summary>The sink the data set bytes were written to (positioned at its end), or null without data set.</summary>
    public Stream? Data { get; } = data;
    public DimseCommandField Field => DimseCommand.Field(Command);
}

/// <summary>What the channel read next: a whole message, or a release PDU.</summary>
public enum ChannelEventKind { Message, ReleaseRequest, ReleaseResponse }
