namespace Enamel.Dicom.Codecs;

/// <summary>Codecs by transfer syntax UID, registered explicitly (no reflection).</summary>
public sealed class DicomCodecRegistry
{
    private readonly Dictionary<string, IFrameCodec> codecs = new(StringComparer.Ordinal);

    /// <summary>Every codec Enamel ships. Native-library codecs still register; they fail with a clear message when the library is missing.</summary>
    public static DicomCodecRegistry Default { get; } = CreateDefault();

    private static DicomCodecRegistry CreateDefault()
    {
        var r = new DicomCodecRegistry();
        r.Register(new JpegLs.JpegLsCodec());
        r.Register(new Jpeg2000.Jpeg2000Codec());
        r.Register(new EncapsulatedUncompressedCodec());
        r.Register(new Rle.RleCodec());
        foreach (var jpeg in new[] { DicomTransferSyntax.JpegBaseline, DicomTransferSyntax.JpegExtended, DicomTransferSyntax.JpegLossless, DicomTransferSyntax.JpegLosslessSV1 })
            r.Register(new Jpeg.JpegCodec(jpeg));
        return r;
    }

    public DicomCodecRegistry Register(IFrameCodec codec)
    {
        foreach (var uid in codec.TransferSyntaxUids) codecs[uid] = codec;
        return this;
    }

    public bool TryGet(string transferSyntaxUid, out IFrameCodec codec) => codecs.TryGetValue(transferSyntaxUid, out codec!);

    public IFrameCodec Get(DicomTransferSyntax syntax) =>
        TryGet(syntax.Uid, out var c) ? c : throw new Imaging.DicomImagingException($"no codec for {syntax.Name} ({syntax.Uid})");
}
