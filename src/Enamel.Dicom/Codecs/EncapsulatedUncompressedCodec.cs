using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs;

/// <summary>
/// Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98, PS3.5 A.4.11): each frame is one
/// fragment holding the native frame bytes, so single frames of very large objects can be addressed by offset tables.
/// </summary>
public sealed class EncapsulatedUncompressedCodec : IFrameCodec
{
    public IReadOnlyList<string> TransferSyntaxUids { get; } = [DicomTransferSyntax.EncapsulatedUncompressed.Uid];

    public bool CanEncode => true;

    public PixelDataInfo DecodedInfo(PixelDataInfo encoded) => encoded;

    public void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination)
    {
        // A fragment is padded to even length, so it may hold one byte more than the frame.
        if (encoded.Length < destination.Length || encoded.Length > destination.Length + 1)
            throw new DicomImagingException($"encapsulated uncompressed: fragment of {encoded.Length} bytes for a {destination.Length}-byte frame");
        encoded[..destination.Length].CopyTo(destination);
    }

    public (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info)
    {
        if (frame.Length != info.FrameLength)
            throw new DicomImagingException($"encapsulated uncompressed: frame holds {frame.Length} bytes, {info.FrameLength} expected");
        return (frame.ToArray(), info);
    }
}
