namespace Enamel.Dicom;

/// <summary>One data element of a dataset: a value, a sequence of items, or encapsulated fragments.</summary>
public abstract class DicomElement(DicomTag tag, DicomVR vr)
{
    public DicomTag Tag { get; } = tag;
    public DicomVR VR { get; } = vr;

    public override string ToString() => $"{Tag} {VR.Code()}";
}

/// <summary>An element with a plain value (strings, numbers, binary, bulk data).</summary>
public sealed class DicomValueElement(DicomTag tag, DicomVR vr, DicomValue value) : DicomElement(tag, vr)
{
    public DicomValue Value { get; } = value;
    public long Length => Value.Length;
}

/// <summary>A sequence (SQ) of item datasets.</summary>
public sealed class DicomSequence : DicomElement
{
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataset>? items = null, bool undefinedLength = true) : base(tag, DicomVR.SQ)
    {
        UndefinedLength = undefinedLength;
        if (items is not null) foreach (var i in items) Add(i);
    }

    public List<DicomDataset> Items { get; } = [];

    /// <summary>Whether the sequence is written with undefined length and a delimiter (kept from the source for faithful round trips).</summary>
    public bool UndefinedLength { get; set; }

    public DicomDataset Add(DicomDataset item)
    {
        Items.Add(item);
        return item;
    }
}

/// <summary>Encapsulated pixel data (PS3.5 A.4): a Basic Offset Table item and compressed fragments.</summary>
public sealed class DicomFragmentSequence(DicomTag tag, DicomVR vr) : DicomElement(tag, vr)
{
    /// <summary>The Basic Offset Table item's bytes (may be empty).</summary>
    public DicomValue OffsetTable { get; set; } = DicomValue.Empty;

    public List<DicomValue> Fragments { get; } = [];

    /// <summary>Byte offsets of each frame's first fragment relative to the first fragment's item tag, as the BOT stores them.</summary>
    public long[] ReadBasicOffsets()
    {
        var mem = OffsetTable.GetMemory().Span;
        var offsets = new long[mem.Length / 4];
        for (int i = 0; i < offsets.Length; i++)
            offsets[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(mem[(i * 4)..]);
        return offsets;
    }
}
