using System.Buffers.Binary;
using Enamel.Dicom;
using Enamel.Dicom.Imaging;

namespace Enamel.Core.Studies;

/// <summary>
/// The archive's limits for reading objects it receives and keeps. Every limit counts the bytes a reader has to
/// handle, so for a deflated object the inflated bytes, not the bytes on the wire.
/// </summary>
public sealed record IngestLimits
{
    public static readonly IngestLimits Default = new();

    /// <summary>Largest header (everything before Pixel Data, inflated) accepted.</summary>
    public int MaxHeaderBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// Most bytes a deflated object may inflate to. Inflated values cannot stay in the blob as ranges, so this is
    /// what reading one deflated object may cost in memory (twice, while it is buffered); larger ones are refused.
    /// </summary>
    public long MaxInflatedBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Options for reading a whole stored or received object.</summary>
    public DicomReadOptions ReadOptions => new() { MaxInflatedBytes = MaxInflatedBytes };

    /// <summary>
    /// Options for reading the header of a received object (stops at Pixel Data): large inflated values before it are
    /// passed over, not buffered, so a deflated header costs only the reader's buffers.
    /// </summary>
    public DicomReadOptions HeaderOptions => DicomReadOptions.HeaderOnly with
    {
        MaxInflatedBytes = Math.Min(MaxHeaderBytes, MaxInflatedBytes),
        SkipUnaddressableLargeValues = true,
    };

    /// <summary>Options for the structural check: the whole object, large inflated values passed over (their lengths are what is checked).</summary>
    public DicomReadOptions CheckOptions => ReadOptions with { SkipUnaddressableLargeValues = true };
}

/// <summary>
/// A stored or received object that cannot be read as a whole: its framing is broken, it exceeds a limit, or its
/// pixel data does not hold the image its attributes describe. <see cref="Reason"/> names the defect without any
/// patient data (offsets, tags and sizes only).
/// </summary>
public sealed class UnreadableInstanceException(string reason, Exception? inner = null)
    : Errors.EnamelException($"the object cannot be read: {reason}", inner)
{
    public string Reason { get; } = reason;
    public override Errors.ErrorKind Kind => Errors.ErrorKind.Corrupt;
    public override string Code => "unreadable-object";
}

/// <summary>
/// The structural check every object passes before the archive acknowledges it, and that <c>enamel verify</c>
/// runs over what is already stored: the whole object parses (element lengths, item and fragment framing, nothing
/// past the end, deflated data inside <see cref="IngestLimits.MaxInflatedBytes"/>), its transfer syntax is a
/// standard one, the meta group length is true, native pixel data holds rows × columns × samples × bits × frames,
/// and encapsulated pixel data has a fragment per frame whose first one starts like its codec's stream.
/// </summary>
public static class InstanceIntegrity
{
    /// <summary>Opens a whole object for reading (values stay ranges of a seekable stream); a defect raises <see cref="UnreadableInstanceException"/>.</summary>
    public static DicomFile Open(Stream stream, IngestLimits limits) => Open(stream, limits.ReadOptions);

    /// <summary>
    /// Opens a whole object whose pixel data is about to be used (frames, rendering, transcoding): it must also pass
    /// the checks after the parse (<see cref="Check(DicomFile)"/>), else <see cref="UnreadableInstanceException"/>.
    /// </summary>
    public static DicomFile OpenImage(Stream stream, IngestLimits limits)
    {
        var file = Open(stream, limits.ReadOptions);
        if (Check(file) is { } defect)
        {
            file.Dispose();
            throw new UnreadableInstanceException(defect);
        }
        return file;
    }

    private static DicomFile Open(Stream stream, DicomReadOptions options)
    {
        try
        {
            return DicomFile.Open(stream, options);
        }
        catch (DicomLimitExceededException ex)
        {
            throw new UnreadableInstanceException(ex.Message, ex);
        }
        catch (DicomFormatException ex)
        {
            throw new UnreadableInstanceException(ex.Message, ex);
        }
    }

    /// <summary>Reads and checks the whole object; returns the reason it cannot be kept, or null when it is sound.</summary>
    public static string? Check(Stream stream, IngestLimits limits)
    {
        try
        {
            using var file = Open(stream, limits.CheckOptions);
            return Check(file);
        }
        catch (UnreadableInstanceException ex)
        {
            return ex.Reason;
        }
    }

    /// <summary>The checks after a successful parse; null when the object is sound.</summary>
    public static string? Check(DicomFile file)
    {
        var syntaxUid = file.Meta.GetString(DicomTags.TransferSyntaxUID) ?? "";
        if (file.HadPart10Header && !DicomTransferSyntax.IsStandard(syntaxUid))
            return $"the transfer syntax {syntaxUid} is not one the standard defines";
        if (file.HadPart10Header && file.Meta.TryGetNumber(DicomTags.FileMetaInformationGroupLength, out var groupLength))
        {
            // The group length counts the meta elements after it: from byte 144 (preamble, "DICM", its own 12 bytes) to the dataset.
            long actual = file.DatasetOffset - 144;
            if ((long)groupLength != actual)
                return $"the File Meta Information Group Length says {groupLength} bytes but the meta elements take {actual}";
        }
        try
        {
            return CheckPixelData(file);
        }
        catch (Exception ex) when (ex is DicomFormatException or DicomImagingException or IOException)
        {
            return ex.Message;
        }
    }

    private static string? CheckPixelData(DicomFile file)
    {
        var ds = file.Dataset;
        if (ds[DicomTags.PixelData] is not { } element) return null;
        var info = PixelDataInfo.FromDataset(ds);
        if (info.Rows <= 0 || info.Columns <= 0) return $"Pixel Data is present but the image has {info.Rows} rows and {info.Columns} columns";
        if (info.BitsAllocated is not (1 or 8 or 16 or 32 or 64)) return $"Bits Allocated {info.BitsAllocated} is not a valid value";
        if (info.SamplesPerPixel is < 1 or > 4) return $"Samples per Pixel {info.SamplesPerPixel} is not a valid value";
        var syntax = file.TransferSyntax;
        switch (element)
        {
            case DicomValueElement native when !syntax.IsEncapsulated:
            {
                long needed = info.FrameLength * info.NumberOfFrames;
                if (native.Value.Length < needed)
                    return $"Pixel Data holds {native.Value.Length} bytes but {info.Rows} rows × {info.Columns} columns × {info.SamplesPerPixel} samples × {info.BitsAllocated} bits × {info.NumberOfFrames} frames need {needed}";
                return null;
            }
            case DicomFragmentSequence fragments when syntax.IsEncapsulated:
            {
                if (fragments.Fragments.Count == 0) return "encapsulated Pixel Data has no fragments";
                if (fragments.Fragments.Count < info.NumberOfFrames)
                    return $"encapsulated Pixel Data has {fragments.Fragments.Count} fragments for {info.NumberOfFrames} frames";
                return CheckFirstFragment(syntax, fragments.Fragments[0]);
            }
            default:
                return syntax.IsEncapsulated
                    ? $"Pixel Data is native but the transfer syntax {syntax.Uid} is encapsulated"
                    : $"Pixel Data is encapsulated but the transfer syntax {syntax.Uid} is native";
        }
    }

    /// <summary>Syntaxes whose frames are JPEG or JPEG-LS streams: each starts with SOI (FF D8).</summary>
    private static readonly DicomTransferSyntax[] JpegFamily = [DicomTransferSyntax.JpegBaseline, DicomTransferSyntax.JpegExtended,
        DicomTransferSyntax.JpegLossless, DicomTransferSyntax.JpegLosslessSV1, DicomTransferSyntax.JpegLsLossless, DicomTransferSyntax.JpegLsNearLossless];

    /// <summary>The first bytes of the first frame must start the codec's stream (cheap; the codec itself runs only on read).</summary>
    private static string? CheckFirstFragment(DicomTransferSyntax syntax, DicomValue fragment)
    {
        Span<byte> head = stackalloc byte[64];
        int n = (int)Math.Min(head.Length, fragment.Length);
        fragment.Read(0, head[..n]);
        head = head[..n];
        bool jpeg = JpegFamily.Contains(syntax);
        bool j2k = syntax == DicomTransferSyntax.Jpeg2000Lossless || syntax == DicomTransferSyntax.Jpeg2000;
        if (jpeg && !(n >= 2 && head[0] == 0xFF && head[1] == 0xD8))
            return "the first frame of JPEG pixel data does not start with a JPEG start-of-image marker";
        if (j2k && !(n >= 4 && ((head[0] == 0xFF && head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51)
                               || (n >= 8 && head[4] == (byte)'j' && head[5] == (byte)'P' && head[6] == (byte)' ' && head[7] == (byte)' '))))
            return "the first frame of JPEG 2000 pixel data is neither a codestream nor a JP2 file";
        if (syntax == DicomTransferSyntax.RleLossless)
        {
            if (n < 64) return "the first frame of RLE pixel data is shorter than its 64-byte header";
            uint segments = BinaryPrimitives.ReadUInt32LittleEndian(head);
            uint first = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (segments is < 1 or > 15 || first != 64) return $"the first frame's RLE header is invalid ({segments} segments, first at {first})";
        }
        return null;
    }
}
