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
            var inflated = new DeflateStream(input.RemainderStream(), CompressionMode.Decompress);
            input = new DicomInput(inflated);
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
        var sb = new StringBuilder();
        foreach (var (tag, item) in path)
        {
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
            if (!input.TryEnsure(4))
            {
                if (!isItem && AllZero()) return; // trailing padding
                throw Error("input ended inside an element tag");
            }
            var peek = input.Peek(4);
            if (!isItem && depth == 0 && peek[0] == 0 && peek[1] == 0 && peek[2] == 0 && peek[3] == 0 && AllZeroToEnd())
                return; // trailing zero padding after the dataset (tolerated)
            if (!isItem && options.StopBeforeTag is { } stop)
            {
                var t = ReadTagAt(peek);
                if (t >= stop && !t.IsDelimiter) { Stopped = true; return; }
            }
            if (!ReadElement(target, depth, out bool itemEnded)) return;
            if (itemEnded)
            {
                if (!isItem) throw Error("item delimiter outside any item", DicomTag.ItemDelimitationItem);
                return;
            }
        }
    }

    private DicomTag ReadTagAt(ReadOnlySpan<byte> b) => input.BigEndian
        ? new DicomTag((ushort)((b[0] << 8) | b[1]), (ushort)((b[2] << 8) | b[3]))
        : new DicomTag((ushort)(b[0] | (b[1] << 8)), (ushort)(b[2] | (b[3] << 8)));

    private bool AllZero()
    {
        int n = 0;
        while (input.TryEnsure(n + 1)) { if (input.Peek(n + 1)[n] != 0) return false; n++; }
        return true;
    }

    private bool AllZeroToEnd()
    {
        // Only scan a bounded window; a real dataset never starts with tag (0000,0000) outside command sets.
        const int window = 4096;
        int n = 0;
        while (n < window && input.TryEnsure(n + 1))
        {
            if (input.Peek(n + 1)[n] != 0) return false;
            n++;
        }
        return n < window;
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
                vr = ImplicitVR(tag);
                length = input.ReadUInt32();
            }
        }
        else
        {
            vr = ImplicitVR(tag);
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

    private DicomVR ImplicitVR(DicomTag tag)
    {
        if (tag.IsPrivateCreator) return DicomVR.LO;
        if (tag.IsPrivate) return DicomVR.UN;
        if (tag == DicomTags.PixelData) return DicomVR.OW;
        var vr = DicomDictionary.DefaultVR(tag);
        return vr == DicomVR.None ? DicomVR.UN : vr;
    }

    private DicomValue ReadValue(DicomTag tag, DicomVR vr, uint length)
    {
        int swap = input.BigEndian ? vr.UnitSize() : 0;
        if (length >= options.LargeValueThreshold && source is not null)
        {
            long at = input.Position;
            if (!input.TrySkip(length)) throw Error($"value of {length} bytes is truncated", tag, at);
            return new RangeValue(source, at, length, swap);
        }
        if (!input.TryReadBytes(length, out var bytes))
            throw Error($"input ended inside a value of {length} bytes", tag);
        if (swap > 1) ByteSwap.InPlace(bytes, swap);
        return DicomValue.FromBytes(bytes);
    }

    private DicomSequence ReadSequence(DicomTag tag, long endPosition, int depth)
    {
        if (depth + 1 > options.MaxSequenceDepth) throw Error($"sequences nest deeper than {options.MaxSequenceDepth} levels", tag);
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
