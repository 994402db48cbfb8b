using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text;

namespace Enamel.Dicom;

/// <summary>
/// An ordered set of data elements (ascending tag order, as DICOM encodes them). Items of sequences are
/// datasets too and know their parent, so character set and private creators resolve as the standard says.
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomElement>
{
    private readonly List<DicomElement> elements = [];

    public DicomDataset() { }

    public DicomDataset(IEnumerable<DicomElement> elements)
    {
        foreach (var e in elements) Set(e);
    }

    /// <summary>For a sequence item: the dataset that contains the sequence.</summary>
    public DicomDataset? Parent { get; internal set; }

    /// <summary>Whether this item was encoded with undefined length (kept for faithful round trips).</summary>
    public bool UndefinedLength { get; set; } = true;

    public int Count => elements.Count;

    public DicomElement? this[DicomTag tag] => TryGet(tag, out var e) ? e : null;

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public bool TryGet(DicomTag tag, out DicomElement element)
    {
        int i = IndexOf(tag);
        element = i >= 0 ? elements[i] : null!;
        return i >= 0;
    }

    /// <summary>Adds or replaces the element with the same tag.</summary>
    public DicomDataset Set(DicomElement element)
    {
        if (element is DicomSequence seq)
            foreach (var item in seq.Items) item.Parent = this;
        int n = elements.Count;
        if (n == 0 || elements[n - 1].Tag < element.Tag)
        {
            elements.Add(element);
            return this;
        }
        int i = IndexOf(element.Tag);
        if (i >= 0) elements[i] = element;
        else elements.Insert(~i, element);
        return this;
    }

    public bool Remove(DicomTag tag)
    {
        int i = IndexOf(tag);
        if (i < 0) return false;
        elements.RemoveAt(i);
        return true;
    }

    /// <summary>Removes every element the predicate selects.</summary>
    public int RemoveAll(Func<DicomElement, bool> predicate) => elements.RemoveAll(e => predicate(e));

    private int IndexOf(DicomTag tag)
    {
        int lo = 0, hi = elements.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            uint v = elements[mid].Tag.Value;
            if (v == tag.Value) return mid;
            if (v < tag.Value) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    public IEnumerator<DicomElement> GetEnumerator() => elements.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The Specific Character Set in force here: this dataset's (0008,0005), else its parent's.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            for (var d = this; d is not null; d = d.Parent)
                if (d.TryGet(DicomTags.SpecificCharacterSet, out var e) && e is DicomValueElement v)
                    return DicomCharacterSet.FromTerms(Encoding.ASCII.GetString(v.Value.GetMemory().Span));
            return DicomCharacterSet.Default;
        }
    }

    /// <summary>The private creator that reserved the block of a private data element, or null.</summary>
    public string? GetPrivateCreator(DicomTag tag)
    {
        if (!tag.IsPrivate || tag.IsPrivateCreator || tag.Element < 0x1000) return null;
        return TryGet(tag.PrivateCreatorTag, out var e) && e is DicomValueElement v
            ? Encoding.ASCII.GetString(v.Value.GetMemory().Span).TrimEnd(' ', '\0') : null;
    }

    /// <summary>A deep copy (deferred values are shared, not loaded).</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset { UndefinedLength = UndefinedLength };
        foreach (var e in elements)
            copy.elements.Add(e switch
            {
                DicomSequence s => CloneSequence(s, copy),
                DicomFragmentSequence f => CloneFragments(f),
                _ => e,
            });
        return copy;

        static DicomSequence CloneSequence(DicomSequence s, DicomDataset parent)
        {
            var c = new DicomSequence(s.Tag, undefinedLength: s.UndefinedLength);
            foreach (var item in s.Items)
            {
                var ic = item.Clone();
                ic.Parent = parent;
                c.Items.Add(ic);
            }
            return c;
        }

        static DicomFragmentSequence CloneFragments(DicomFragmentSequence f)
        {
            var c = new DicomFragmentSequence(f.Tag, f.VR) { OffsetTable = f.OffsetTable };
            c.Fragments.AddRange(f.Fragments);
            return c;
        }
    }
}
