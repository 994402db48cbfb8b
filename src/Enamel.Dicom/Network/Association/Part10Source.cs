namespace Enamel.Dicom.Network;

/// <summary>A DICOM object a retrieve or send can read: a display name (no patient data) and how to open it as a seekable Part 10 stream.</summary>
public sealed record DicomObjectSource(string Name, Func<CancellationToken, ValueTask<Stream>> OpenAsync)
{
    /// <summary>
    /// Opens the object to send it (the data set of a C-STORE sub-operation), before the C-STORE-RQ goes out: a source
    /// that can tell throws <see cref="DicomSourceUnreadableException"/> here when the object cannot be read to its end,
    /// so the sub-operation fails alone (counted, with an Error Comment) instead of a message cut short mid-data set.
    /// Null: <see cref="OpenAsync"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<Stream>>? OpenToSendAsync { get; init; }

    public static DicomObjectSource FromFile(string path) => new(path, _ =>
        ValueTask.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan)));
}

/// <summary>What an SCU needs to send a Part 10 object: its SOP class/instance, transfer syntax, and where the data set starts.</summary>
public sealed record Part10Source(DicomObjectSource Source, string SopClassUid, string SopInstanceUid, DicomTransferSyntax TransferSyntax, long DatasetOffset)
{
    public string Name => Source.Name;

    /// <summary>Reads the File Meta Information of a file. Throws <see cref="DicomFormatException"/> if it has no Part 10 header.</summary>
    public static Part10Source Read(string path) => ReadAsync(DicomObjectSource.FromFile(path), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>Reads the File Meta Information (and the data set's SOP UIDs) of a source.</summary>
    public static async ValueTask<Part10Source> ReadAsync(DicomObjectSource source, CancellationToken ct)
    {
        await using var fs = await source.OpenAsync(ct).ConfigureAwait(false);
        if (!fs.CanSeek) throw new ArgumentException($"{source.Name}: a Part 10 source must be seekable");
        var head = new byte[132];
        if (fs.ReadAtLeast(head, 132, throwOnEndOfStream: false) < 132 || !head.AsSpan(128).SequenceEqual("DICM"u8))
            throw new DicomFormatException("not a Part 10 file (no 'DICM' after the preamble): cannot send without File Meta Information", 128, "");
        long offset = MetaEnd(fs);
        fs.Position = 0;
        // The data set's own SOP Class/Instance UIDs (PS3.4 B.2) win over the meta copy, which some files get wrong.
        using var parsed = DicomFile.Open(fs, new DicomReadOptions { StopBeforeTag = new DicomTag(0x0008, 0x0019) });
        var meta = parsed.Meta;
        var cls = parsed.Dataset.GetString(DicomTags.SOPClassUID) ?? meta.GetString(DicomTags.MediaStorageSOPClassUID);
        var inst = parsed.Dataset.GetString(DicomTags.SOPInstanceUID) ?? meta.GetString(DicomTags.MediaStorageSOPInstanceUID);
        var ts = meta.GetString(DicomTags.TransferSyntaxUID);
        if (string.IsNullOrEmpty(cls) || string.IsNullOrEmpty(inst) || string.IsNullOrEmpty(ts))
            throw new DicomFormatException("File Meta Information lacks the SOP class, SOP instance or transfer syntax UID", 132, "(0002,0002)");
        return new Part10Source(source, cls, inst, DicomTransferSyntax.FromUid(ts), offset);
    }

    // Walks group 0002 (explicit VR little endian) from offset 132 to find where the data set begins.
    private static long MetaEnd(Stream fs)
    {
        fs.Position = 132;
        Span<byte> h = stackalloc byte[12];
        while (true)
        {
            long at = fs.Position;
            if (fs.ReadAtLeast(h[..8], 8, throwOnEndOfStream: false) < 8) return at;
            if ((h[0] | (h[1] << 8)) != 0x0002) return at;
            string vr = System.Text.Encoding.ASCII.GetString(h.Slice(4, 2));
            long len;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN" or "UC" or "UR" or "OD" or "OL" or "OV" or "SV" or "UV")
            {
                if (fs.ReadAtLeast(h.Slice(8, 4), 4, throwOnEndOfStream: false) < 4) return at;
                len = BitConverter.ToUInt32(h.Slice(8, 4));
            }
            else len = h[6] | (h[7] << 8);
            fs.Position += len;
        }
    }

    /// <summary>The accepted context to send this object on: one with its own syntax, else (transcoding) an
    /// uncompressed one, else any other accepted syntax the codecs can produce.</summary>
    internal (PresentationContext Context, DicomTransferSyntax Target) SelectContext(IEnumerable<PresentationContext> accepted)
    {
        var mine = accepted.Where(p => p.Result == PresentationContextResult.Acceptance && p.AbstractSyntax == SopClassUid).ToList();
        if (mine.FirstOrDefault(p => p.AcceptedTransferSyntax == TransferSyntax.Uid) is { } same) return (same, TransferSyntax);
        if (mine.Count == 0) throw new DicomNetworkException($"peer accepted no presentation context for {DicomUids.NameOf(SopClassUid)}");
        var codecs = Codecs.DicomCodecRegistry.Default;
        bool CanProduce(DicomTransferSyntax t) =>
            (!TransferSyntax.IsEncapsulated || codecs.TryGet(TransferSyntax.Uid, out _)) &&
            (!t.IsEncapsulated || (codecs.TryGet(t.Uid, out var c) && c.CanEncode));
        var candidates = mine.Select(p => (Context: p, Target: DicomTransferSyntax.FromUid(p.AcceptedTransferSyntax!)))
            .Where(c => CanProduce(c.Target))
            .OrderBy(c => c.Target.IsEncapsulated) // uncompressed first: never add a lossy step the sender did not ask for
            .ThenBy(c => c.Target.IsLossy)
            .ToList();
        if (candidates.Count == 0)
            throw new DicomNetworkException(
                $"peer refused {TransferSyntax.Name} for {DicomUids.NameOf(SopClassUid)} and accepted only " +
                $"{string.Join(", ", mine.Select(p => DicomUids.NameOf(p.AcceptedTransferSyntax!)))}, which cannot be produced from it");
        return candidates[0];
    }

    /// <summary>
    /// Opens the source to send it (<see cref="DicomObjectSource.OpenToSendAsync"/>, before any byte of the message is
    /// sent: a <see cref="DicomSourceUnreadableException"/> leaves the association clean) and returns the writer of its
    /// data set in <paramref name="target"/>, which owns the opened stream: the file's own bytes when the syntax matches
    /// (streamed, not parsed), else parsed and re-encoded, transcoding pixel data when either syntax is compressed.
    /// </summary>
    internal async ValueTask<Func<Stream, CancellationToken, ValueTask>> OpenWriterAsync(DicomTransferSyntax target, CancellationToken ct)
    {
        var opened = await (Source.OpenToSendAsync ?? Source.OpenAsync)(ct).ConfigureAwait(false);
        return DataWriter(target, opened);
    }

    private Func<Stream, CancellationToken, ValueTask> DataWriter(DicomTransferSyntax target, Stream opened)
    {
        if (target.Uid == TransferSyntax.Uid)
            return async (s, ct) =>
            {
                await using var fs = opened;
                fs.Position = DatasetOffset;
                await fs.CopyToAsync(s, 1 << 16, ct).ConfigureAwait(false);
            };
        if (!TransferSyntax.IsEncapsulated && !target.IsEncapsulated)
            return async (s, ct) =>
            {
                await using var fs = opened;
                using var file = DicomFile.Open(fs);
                new DicomWriter(s, target).Write(file.Dataset);
            };
        // Compressed on either side: decode/encode frame by frame while writing (the source stays open meanwhile).
        return async (s, ct) =>
        {
            await using var fs = opened;
            using var file = DicomFile.Open(fs);
            var converted = Codecs.DicomTranscoder.Transcode(file, target);
            new DicomWriter(s, target).Write(converted.Dataset);
        };
    }
}
