using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Fuzz;

/// <summary>
/// The one fuzz target shared by every driver (AFL, libFuzzer, the managed mutator, the smoke test): parse
/// arbitrary bytes, read every value as text, pull a frame, save and re-read. Only the reader's documented
/// exceptions are expected; anything else escaping <see cref="Run"/> is a finding.
/// </summary>
public static class FuzzTarget
{
    /// <summary>Frames above this many bytes are not decoded (a fuzzed Rows x Columns is not a bug by itself).</summary>
    private const long MaxFrameBytes = 16 << 20;

    private static readonly DicomReadOptions Options = new() { MaxElementCount = 200_000 };

    /// <summary>Runs the target; returns normally for valid input and for expected rejections.</summary>
    public static void Run(ReadOnlySpan<byte> data)
    {
        try
        {
            RunUnchecked(data.ToArray());
        }
        catch (Exception ex) when (IsExpected(ex))
        {
        }
    }

    /// <summary>The exceptions the reader documents for bad input.</summary>
    public static bool IsExpected(Exception ex) =>
        ex is DicomFormatException or DicomTextException or DicomImagingException;

    private static void RunUnchecked(byte[] data)
    {
        DicomFile file;
        using (var stream = new MemoryStream(data, writable: false))
        {
            file = DicomFile.Open(stream, Options);
            Walk(file.Meta);
            Walk(file.Dataset);
            TouchPixelData(file);
        }

        // Whatever parsed must save, and what was saved must parse again. Known limit: native pixel data under an
        // encapsulated syntax (or the reverse) is read as found, but the writer refuses it ("transcode first").
        if (PixelEncodingContradictsSyntax(file)) return;
        var saved = new MemoryStream();
        file.Save(saved);
        saved.Position = 0;
        DicomFile again;
        try
        {
            again = DicomFile.Open(saved, Options);
        }
        catch (DicomFormatException ex)
        {
            throw new RoundTripException("a parsed file was saved into bytes that do not parse", ex);
        }
        Walk(again.Dataset);
    }

    private static bool PixelEncodingContradictsSyntax(DicomFile file) => file.Dataset[DicomTags.PixelData] switch
    {
        DicomFragmentSequence => !file.TransferSyntax.IsEncapsulated,
        DicomValueElement => file.TransferSyntax.IsEncapsulated,
        _ => false,
    };

    private static void Walk(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            switch (element)
            {
                case DicomSequence seq:
                    foreach (var item in seq.Items) Walk(item);
                    break;
                case DicomFragmentSequence frags:
                    _ = frags.OffsetTable.Length;
                    break;
                default:
                    _ = dataset.GetString(element.Tag);
                    _ = dataset.GetStrings(element.Tag);
                    break;
            }
        }
    }

    private static void TouchPixelData(DicomFile file)
    {
        if (!file.Dataset.Contains(DicomTags.PixelData)) return;
        var pixels = DicomPixelData.Create(file);
        if (pixels.Info.FrameLength is <= 0 or > MaxFrameBytes) return;
        _ = pixels.GetFrame(0);
        if (pixels.NumberOfFrames > 1 && pixels.NumberOfFrames < 10_000) _ = pixels.GetFrame(pixels.NumberOfFrames - 1);
    }
}
