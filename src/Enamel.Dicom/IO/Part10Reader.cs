namespace Enamel.Dicom;

/// <summary>Recognises the Part 10 header (or its absence) and dispatches to the dataset parser.</summary>
internal static class Part10Reader
{
    public static DicomFile Read(Stream stream, DicomReadOptions options, IRandomAccessSource? source)
    {
        using var input = new DicomInput(stream);
        byte[]? preamble = null;
        if (input.TryEnsure(132) && input.Peek(132)[128..132].SequenceEqual("DICM"u8))
        {
            preamble = input.Peek(128).ToArray();
            input.Advance(132);
        }
        else if (!input.TryEnsure(8))
        {
            throw new DicomFormatException("input is too short to be a DICOM file or dataset", input.Position, "");
        }

        if (preamble is not null && !input.TryEnsure(8))
            throw new DicomFormatException("input ends right after 'DICM' (no File Meta Information)", input.Position, "");

        var meta = new DicomDataset();
        var parser = new DicomParser(input, options, source);
        var head = input.Peek(8);
        bool metaPresent = head[0] == 0x02 && head[1] == 0x00 && head[4] is >= (byte)'A' and <= (byte)'Z';
        if (preamble is not null && !metaPresent)
            throw new DicomFormatException("'DICM' is not followed by File Meta Information (group 0002)", input.Position, "");
        DicomTransferSyntax syntax;
        if (metaPresent)
        {
            parser.ParseMeta(meta);
            var uid = meta.GetString(DicomTags.TransferSyntaxUID);
            if (string.IsNullOrEmpty(uid))
            {
                // Record the guess, so the file reports (and is saved in) the syntax it was actually read with.
                syntax = GuessSyntax(input);
                meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
            }
            else syntax = DicomTransferSyntax.FromUid(uid);
        }
        else
        {
            syntax = GuessSyntax(input);
            meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
        }

        long datasetOffset = input.Position;
        var dataset = new DicomDataset();
        parser.ParseDataset(dataset, syntax);
        return new DicomFile(meta, dataset, preamble) { HadPart10Header = preamble is not null, IsPartial = parser.Stopped, DatasetOffset = datasetOffset };
    }

    /// <summary>For a bare dataset: explicit VR if bytes 4-5 spell a VR; big endian if the group reads small only that way.</summary>
    private static DicomTransferSyntax GuessSyntax(DicomInput input)
    {
        if (!input.TryEnsure(6)) return DicomTransferSyntax.ImplicitVRLittleEndian;
        var b = input.Peek(6);
        bool explicitVR = DicomVRInfo.TryParse(b[4..6], out _);
        int groupLE = b[0] | (b[1] << 8), groupBE = (b[0] << 8) | b[1];
        bool bigEndian = groupBE < groupLE && groupBE <= 0x0010 && explicitVR;
        return explicitVR
            ? bigEndian ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian
            : DicomTransferSyntax.ImplicitVRLittleEndian;
    }
}
