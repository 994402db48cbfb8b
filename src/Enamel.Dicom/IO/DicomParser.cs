using System.IO.Compression;
using System.Text;

namespace Enamel.Dicom;

/// <summary>
/// Parses a dataset from a <see cref="DicomInput"/> into a <see cref="DicomDataset"/>. One code path for all
/// transfer syntaxes; tolerated defects are listed in docs/conformance/dicom-reading.md.
/// </summary>
internal sealed class DicomParser
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private readonly DicomReadOptions options;
    private IRandomAccessSource? source;
    private readonly List<(DicomTag Tag, int Item)> path = [];
    private DicomInput input;
    private bool explicitVR;
    private int elementCount;

    public DicomParser(DicomInput input, DicomReadOptions options, IRandomAccessSource? source)
    {
        this.input = input;
        this.options = options;
        this.source = input.CanSeek ? source : null;
    }

    /// <summary>True when parsing stopped at <see cref="DicomReadOptions.StopBeforeTag"/>.</summary>
    public bool Stopped { get; private set; }

    public void ParseDataset(DicomDataset target, DicomTransferSyntax syntax)
    {
        explicitVR = syntax.IsExplicitVR;
        input.BigEndian = syntax.IsBigEndian;
        if (syntax.IsDeflated)
        {
            // Deflated (PS3.5 A.5): raw deflate of the rest; positions are then offsets in the inflated stream.
            long deflateStart = input.Position;
            var inflated = new DeflateStream(input.RemainderStream(), CompressionMode.Decompress);
            input = new DicomInput(new BoundedInflation(inflated, deflateStart, options.MaxInflatedBytes));
            source = null; // inflated values cannot be addressed in the file: load them
            try { ParseElements(target, endPosition: -1, depth: 0, isItem: false); }
            finally { input.Dispose(); }
            return;
        }
        ParseElements(target, endPosition: -1, depth: 0, isItem: false);
    }

    /// <summary>Parses File Meta Information (group 0002, always explicit VR little endian) and stops at the first other group.</summary>
    public void ParseMeta(DicomDataset meta)
    {
        explicitVR = true;
        input.BigEndian = false;
        while (input.TryEnsure(2) && (input.Peek(2)[0] | (input.Peek(2)[1] << 8)) == 0x0002)
        {
            if (!ReadElement(meta, depth: 0, out _)) break;
        }
    }

    private string PathText(DicomTag? current = null)
    {
        // A nesting bomb would make a path of megabytes: keep the first and last levels.
        const int keep = 10;
        var sb = new StringBuilder();
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > 2 * keep && i == keep)
            {
                sb.Append(">…").Append(path.Count - 2 * keep).Append(" levels…");
                i = path.Count - keep - 1;
                continue;
            }
            var (tag, item) = path[i];
            if (sb.Length > 0) sb.Append('>');
            sb.Append(tag.ToString());
            if (item >= 0) sb.Append('[').Append(item).Append(']');
        }
        if (current is { } c)
        {
            if (sb.Length > 0) sb.Append('>');
            sb.Append(c.ToString());
        }
        return sb.ToString();
    }

    private DicomFormatException Error(string problem, DicomTag? tag = null, long? at = null) =>
        new(problem, at ?? input.Position, PathText(tag));

    /// <summary>Reads elements until the end position, an item delimiter (items of undefined length), or end of input.</summary>
    private void ParseElements(DicomDataset target, long endPosition, int depth, bool isItem)
    {
        while (true)
        {
            if (endPosition >= 0 && input.Position >= endPosition)
            {
                if (input.Position > endPosition) throw Error($"elements run {input.Position - endPosition} bytes past the end of their item");
                return;
            }
            if (!input.TryEnsure(1))
            {
                if (isItem && endPosition < 0) throw Error("input ended inside an item of undefined length (no item delimiter)");
                if (isItem) throw Error($"input ended {endPosition - input.Position} bytes before the end of an item");
                return;
            }
            if (!isItem && depth == 0 && AtZeroPadding())
            {
                SkipZeroPadding(); // trailing zero padding after the dataset (tolerated)
                return;
            }
            if (!input.TryEnsure(4)) throw Error("input ended inside an element tag");
            var peek = input.Peek(4);
            if (!isItem && options.StopBeforeTag is { } stop)
            {
                var t = ReadTagAt(peek);
                if (t >= stop && !t.IsDelimiter) { Stopped = true; return; }
            }
            if (!ReadElement(target, depth, out bool itemEnded)) return;
            if (itemEnded)
            {
                if (!isItem) throw Error("item delimiter outside any item", DicomTag.ItemDelimitationItem, input.Position - 8);
                return;
            }
        }
    }

    private DicomTag ReadTagAt(ReadOnlySpan<byte> b) => input.BigEndian
        ? new DicomTag((ushort)((b[0] << 8) | b[1]), (ushort)((b[2] << 8) | b[3]))
        : new DicomTag((ushort)(b[0] | (b[1] << 8)), (ushort)(b[2] | (b[3] << 8)));

    /// <summary>
    /// Eight zero bytes (or zeros up to the end) where a top-level element should start: no real element is
    /// (0000,0000) with length 0, and a command set's (0000,0000) has a non-zero length.
    /// </summary>
    private bool AtZeroPadding()
    {
        for (int k = 1; k <= 8; k++)
        {
            if (!input.TryEnsure(k)) return true;
            if (input.Peek(k)[k - 1] != 0) return false;
        }
        return true;
    }

    /// <summary>Consumes zero padding to the end in one linear pass; data after the padding is an error.</summary>
    private void SkipZeroPadding()
    {
        long start = input.Position;
        while (input.TryEnsure(1))
        {
            if (input.Peek(1)[0] != 0) throw Error($"data follows {input.Position - start} bytes of zero padding after the dataset");
            input.Advance(1);
        }
    }

    /// <summary>Reads one element into <paramref name="target"/>. Returns false at a sequence delimiter seen at dataset level.</summary>
    private bool ReadElement(DicomDataset target, int depth, out bool itemEnded)
    {
        itemEnded = false;
        long elementStart = input.Position;
        if (!input.TryEnsure(8)) throw Error("input ended inside an element header");
        ushort group = input.ReadUInt16();
        ushort elem = input.ReadUInt16();
        var tag = new DicomTag(group, elem);
        if (++elementCount > options.MaxElementCount) throw Error($"more than {options.MaxElementCount} elements", tag);

        if (group == 0xFFFE)
        {
            uint dl = input.ReadUInt32();
            if (tag == DicomTag.ItemDelimitationItem) { itemEnded = true; return true; }
            if (tag == DicomTag.SequenceDelimitationItem) throw Error("sequence delimiter outside a sequence", tag, elementStart);
            throw Error($"unexpected item tag (length {dl}) where a data element was expected", tag, elementStart);
        }

        DicomVR vr;
        uint length;
        if (explicitVR)
        {
            var vb = input.Peek(2);
            if (DicomVRInfo.TryParse(vb, out vr))
            {
                input.Advance(2);
                if (vr.HasLongLength())
                {
                    if (!input.TryEnsure(6)) throw Error("input ended inside an element header", tag);
                    input.Advance(2);
                    length = input.ReadUInt32();
                }
                else length = input.ReadUInt16();
            }
            else if (vb[0] >= 'A' && vb[0] <= 'Z' && vb[1] >= 'A' && vb[1] <= 'Z')
            {
                // An unknown but well-formed VR: PS3.5 7.1.2 says treat it like UN with a 32-bit length.
                input.Advance(2);
                if (!input.TryEnsure(6)) throw Error("input ended inside an element header", tag);
                input.Advance(2);
                length = input.ReadUInt32();
                vr = DicomVR.UN;
            }
            else
            {
                // Tolerated: an implicit-VR element inside an explicit-VR dataset (seen from some modalities).
                vr = ImplicitVR(tag, target);
                length = input.ReadUInt32();
            }
        }
        else
        {
            vr = ImplicitVR(tag, target);
            length = input.ReadUInt32();
        }

        if (length == UndefinedLength)
        {
            if (tag == DicomTags.PixelData || (vr is DicomVR.OB or DicomVR.OW && tag.Group == 0x7FE0))
            {
                target.Set(ReadFragments(tag, vr == DicomVR.UN ? DicomVR.OB : vr));
                return true;
            }
            if (vr == DicomVR.SQ || vr == DicomVR.UN || !explicitVR)
            {
                // UN of undefined length holds an implicit VR little endian sequence (PS3.5 6.2.2).
                bool switchToImplicit = vr == DicomVR.UN && explicitVR;
                bool wasExplicit = explicitVR, wasBig = input.BigEndian;
                if (switchToImplicit) { explicitVR = false; input.BigEndian = false; }
                try { target.Set(ReadSequence(tag, -1, depth)); }
                finally { explicitVR = wasExplicit; input.BigEndian = wasBig; }
                return true;
            }
            throw Error($"undefined length is not allowed for VR {vr.Code()}", tag, elementStart);
        }

        if (length > options.MaxValueLength) throw Error($"value length {length} exceeds the limit of {options.MaxValueLength}", tag, elementStart);
        if (length > input.Remaining) throw Error($"value length {length} runs past the end of the input ({input.Remaining} bytes left)", tag, elementStart);

        if (vr == DicomVR.SQ)
        {
            target.Set(ReadSequence(tag, input.Position + length, depth));
            return true;
        }

        var value = ReadValue(tag, vr, length);
        if (vr == DicomVR.UN && tag.IsPrivateCreator) vr = DicomVR.LO;
        target.Set(new DicomValueElement(tag, vr, value));
        return true;
    }

    /// <summary>
    /// The VR an implicit-VR element has: from the dictionary; for "US or SS" elements SS when the dataset's Pixel
    /// Representation is 1 (as dcmtk and pydicom decide), except LUT descriptors whose first values are always unsigned.
    /// </summary>
    private static DicomVR ImplicitVR(DicomTag tag, DicomDataset dataset)
    {
        if (tag.IsPrivateCreator) return DicomVR.LO;
        if (tag.IsPrivate) return DicomVR.UN;
        if (tag == DicomTags.PixelData) return DicomVR.OW;
        var entry = DicomDictionary.Find(tag);
        if (entry is null || entry.DefaultVR == DicomVR.None) return DicomVR.UN;
        if (entry.ValueRepresentations is [DicomVR.US, DicomVR.SS] && !IsLutDescriptor(tag) &&
            dataset.TryGetNumber(DicomTags.PixelRepresentation, out var pr) && pr == 1)
            return DicomVR.SS;
        return entry.DefaultVR;
    }

    private static bool IsLutDescriptor(DicomTag tag) => tag.Group == 0x0028 &&
        tag.Element is 0x1101 or 0x1102 or 0x1103 or 0x3002 or 0x1111 or 0x1112 or 0x1113;

    private DicomValue ReadValue(DicomTag tag, DicomVR vr, uint length)
    {
        int swap = input.BigEndian ? vr.UnitSize() : 0;
        if (length >= options.LargeValueThreshold && source is not null)
        {
            long at = input.Position;
            if (!input.TrySkip(length)) throw Error($"value of {length} bytes is truncated", tag, at);
            return new RangeValue(source, at, length, swap);
        }
        if (length >= options.LargeValueThreshold && options.SkipUnaddressableLargeValues)
        {
            long at = input.Position;
            if (!input.TrySkip(length)) throw Error($"value of {length} bytes is truncated", tag, at);
            return new SkippedValue(length);
        }
        if (!input.TryReadBytes(length, out var bytes))
            throw Error($"input ended inside a value of {length} bytes", tag);
        if (swap > 1) ByteSwap.InPlace(bytes, swap);
        return DicomValue.FromBytes(bytes);
    }

    private DicomSequence ReadSequence(DicomTag tag, long endPosition, int depth)
    {
        if (depth + 1 > options.MaxSequenceDepth) throw Error($"sequence depth exceeds the limit of {options.MaxSequenceDepth} nested levels", tag);
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw Error($"sequence depth {depth + 1} exceeds what the thread's stack can parse", tag);
        var seq = new DicomSequence(tag, undefinedLength: endPosition < 0);
        path.Add((tag, -1));
        try
        {
            int index = 0;
            while (true)
            {
                if (endPosition >= 0 && input.Position >= endPosition)
                {
                    if (input.Position > endPosition) throw Error("items run past the end of their sequence");
                    break;
                }
                long at = input.Position;
                if (!input.TryEnsure(8))
                    throw Error(endPosition < 0 ? "input ended inside a sequence of undefined length" : "input ended inside a sequence");
                var itemTag = new DicomTag(input.ReadUInt16(), input.ReadUInt16());
                uint itemLength = input.ReadUInt32();
                if (itemTag == DicomTag.SequenceDelimitationItem)
                {
                    if (endPosition < 0) break;
                    continue; // tolerated: a delimiter inside a defined-length sequence
                }
                if (itemTag != DicomTag.Item) throw Error($"expected an item tag (FFFE,E000) but found {itemTag}", null, at);
                path[^1] = (tag, index);
                if (++elementCount > options.MaxElementCount) throw Error($"more than {options.MaxElementCount} elements and items", null, at);
                var item = new DicomDataset { UndefinedLength = itemLength == UndefinedLength, Parent = null };
                if (itemLength == UndefinedLength)
                    ParseElementsNested(item, -1, depth + 1);
                else
                {
                    if (itemLength > input.Remaining) throw Error($"item length {itemLength} runs past the end of the input", null, at);
                    if (endPosition >= 0 && input.Position + itemLength > endPosition) throw Error($"item length {itemLength} runs past the end of its sequence", null, at);
                    ParseElementsNested(item, input.Position + itemLength, depth + 1);
                }
                seq.Add(item);
                index++;
            }
        }
        finally { path.RemoveAt(path.Count - 1); }
        return seq;
    }

    /// <summary>
    /// The inflater, bounded: never yields more than <c>limit</c> inflated bytes (a decompression bomb is refused with
    /// <see cref="DicomLimitExceededException"/> before its bytes are buffered), and corrupt deflate data
    /// (InvalidDataException) becomes a DicomFormatException.
    /// </summary>
    private sealed class BoundedInflation(Stream inflated, long deflateStart, long limit) : ForwardOnlyReadStream
    {
        private long produced;
        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                int n = inflated.Read(buffer, offset, (int)Math.Min(count, limit - produced + 1));
                produced += n;
                if (produced > limit)
                    throw new DicomLimitExceededException($"deflated dataset (starting at byte {deflateStart} of the file) inflates to more than the limit of {limit} bytes", limit, "");
                return n;
            }
            catch (InvalidDataException ex)
            {
                throw new DicomFormatException($"deflated dataset (starting at byte {deflateStart} of the file) is corrupt after {produced} inflated bytes: {ex.Message}", produced, "", ex);
            }
        }
    }

    private void ParseElementsNested(DicomDataset item, long end, int depth) => ParseElements(item, end, depth, isItem: true);

    private DicomFragmentSequence ReadFragments(DicomTag tag, DicomVR vr)
    {
        var frag = new DicomFragmentSequence(tag, vr);
        path.Add((tag, -1));
        try
        {
            bool first = true;
            while (true)
            {
                long at = input.Position;
                if (!input.TryEnsure(8)) throw Error("input ended inside encapsulated pixel data (no sequence delimiter)");
                var itemTag = new DicomTag(input.ReadUInt16(), input.ReadUInt16());
                uint length = input.ReadUInt32();
                if (itemTag == DicomTag.SequenceDelimitationItem) break;
                if (itemTag != DicomTag.Item) throw Error($"expected a fragment item (FFFE,E000) but found {itemTag}", null, at);
                if (length == UndefinedLength) throw Error("a pixel data fragment has undefined length", null, at);
                if (length > options.MaxValueLength) throw Error($"fragment length {length} exceeds the limit of {options.MaxValueLength}", null, at);
                if (length > input.Remaining) throw Error($"fragment length {length} runs past the end of the input", null, at);
                if (++elementCount > options.MaxElementCount) throw Error($"more than {options.MaxElementCount} elements");
                var value = ReadValue(tag, DicomVR.OB, length);
                if (first) frag.OffsetTable = value;
                else frag.Fragments.Add(value);
                first = false;
            }
        }
        finally { path.RemoveAt(path.Count - 1); }
        return frag;
    }
}
