using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Codecs;

/// <summary>
/// Encodes and decodes one frame for one encapsulated transfer syntax. Decoded frames are native pixel data
/// as PS3.5 8.2 describes for the *decoded* image: little endian, samples interleaved unless the codec says
/// otherwise through <see cref="DecodedInfo"/>.
/// </summary>
public interface IFrameCodec
{
    /// <summary>The transfer syntax UIDs this codec handles.</summary>
    IReadOnlyList<string> TransferSyntaxUids { get; }

    bool CanEncode { get; }

    /// <summary>The layout of a decoded frame given the encoded dataset's attributes (e.g. YBR_FULL_422 JPEG decodes to RGB, RLE to planar 1).</summary>
    PixelDataInfo DecodedInfo(PixelDataInfo encoded);

    /// <summary>Decodes one frame into <paramref name="destination"/> (exactly <c>DecodedInfo(info).FrameLength</c> bytes).</summary>
    void Decode(ReadOnlySpan<byte> encoded, PixelDataInfo info, Span<byte> destination);

    /// <summary>Encodes one native frame laid out as <paramref name="info"/> says; returns the fragment bytes and the attributes to record.</summary>
    (byte[] Encoded, PixelDataInfo EncodedInfo) Encode(ReadOnlySpan<byte> frame, PixelDataInfo info);
}
