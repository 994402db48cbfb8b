using System.Buffers.Binary;

namespace Enamel.Dicom;

/// <summary>
/// Encodes datasets in a transfer syntax: even-length padding per VR, group lengths recomputed, sequences and
/// items with the length encoding they were read with (or as options force). Large values stream from their source.
/// </summary>
public sealed class DicomWriter
{
    private const uint Undefined = 0xFFFFFFFF;
    private readonly Stream output;
    private readonly DicomWriteOptions options;
    private readonly byte[] scratch = new byte[12];
    private readonly bool explicitVR;
    private readonly bool bigEndian;

    public DicomWriter(Stream output, DicomTransferSyntax syntax, DicomWriteOptions? options = null)
    {
        this.output = output;
        this.options = options ?? DicomWriteOptions.Default;
        explicitVR = syntax.IsExplicitVR;
        bigEndian = syntax.IsBigEndian;
    }

    /// <summary>
    /// Leave out group 0002 elements found in a top-level dataset. They belong to File Meta Information only
    /// (PS3.10 7.1); written right after the meta header, a reader would take them as meta elements (and a stray
    /// Transfer Syntax UID would change how the rest is decoded). Part 10 writing sets this.
    /// </summary>
    internal bool SkipFileMetaElements { get; init; }

    public void Write(DicomDataset dataset)
    {
        foreach (var e in dataset)
        {
            if (SkipFileMetaElements && e.Tag.Group == 0x0002 && dataset.Parent is null) continue;
            if (e.Tag.IsGroupLength)
            {
                if (!options.KeepGroupLengths) continue;
                WriteHeader(e.Tag, DicomVR.UL, 4);
                WriteUInt32(GroupLength(dataset, e.Tag.Group));
                continue;
            }
            WriteElement(e);
        }
    }

    private uint GroupLength(DicomDataset dataset, ushort group)
    {
        long total = 0;
        foreach (var e in dataset)
            if (e.Tag.Group == group && !e.Tag.IsGroupLength) total += EncodedLength(e);
        return checked((uint)total);
    }

    private void WriteElement(DicomElement e)
    {
        switch (e)
        {
            case DicomValueElement v:
                WriteValueElement(v);
                break;
            case DicomSequence s:
                WriteSequence(s);
                break;
            case DicomFragmentSequence f:
                WriteFragments(f);
                break;
        }
    }

    private DicomVR EncodableVR(DicomValueElement v) =>
        explicitVR && !v.VR.HasLongLength() && PaddedLength(v.Length) > 0xFFFF ? DicomVR.UN : v.VR;

    private static long PaddedLength(long length) => length + (length & 1);

    private void WriteValueElement(DicomValueElement v)
    {
        var vr = EncodableVR(v);
        long padded = PaddedLength(v.Length);
        WriteHeader(v.Tag, vr, checked((uint)padded));
        int swap = bigEndian ? vr.UnitSize() : 0;
        if (!v.Value.IsDeferred || swap > 1)
        {
            if (v.Value.IsDeferred) WriteDeferredSwapped(v.Value, swap);
            else
            {
                var mem = v.Value.GetMemory().Span;
                if (swap > 1)
                {
                    var copy = mem.ToArray();
                    ByteSwap.InPlace(copy, swap);
                    output.Write(copy);
                }
                else output.Write(mem);
            }
        }
        else v.Value.CopyTo(output);
        if ((v.Length & 1) == 1) output.WriteByte(v.VR.PaddingByte());
    }

    private void WriteDeferredSwapped(DicomValue value, int swap)
    {
        var buffer = new byte[1 << 20];
        for (long done = 0; done < value.Length;)
        {
            int n = (int)Math.Min(buffer.Length, value.Length - done);
            n -= n % swap;
            if (n == 0) break;
            value.Read(done, buffer.AsSpan(0, n));
            ByteSwap.InPlace(buffer.AsSpan(0, n), swap);
            output.Write(buffer, 0, n);
            done += n;
        }
    }

    private bool IsUndefined(bool fromSource) => options.DefinedLengthSequences is { } defined ? !defined : fromSource;

    private void WriteSequence(DicomSequence s)
    {
        bool undefined = IsUndefined(s.UndefinedLength);
        WriteHeader(s.Tag, DicomVR.SQ, undefined ? Undefined : checked((uint)SequenceContentLength(s)));
        foreach (var item in s.Items)
        {
            bool itemUndefined = IsUndefined(item.UndefinedLength);
            WriteTagAndLength(DicomTag.Item, itemUndefined ? Undefined : checked((uint)DatasetLength(item)));
            Write(item);
            if (itemUndefined) WriteTagAndLength(DicomTag.ItemDelimitationItem, 0);
        }
        if (undefined) WriteTagAndLength(DicomTag.SequenceDelimitationItem, 0);
    }

    private void WriteFragments(DicomFragmentSequence f)
    {
        WriteHeader(f.Tag, f.VR == DicomVR.UN ? DicomVR.OB : f.VR, Undefined);
        WriteTagAndLength(DicomTag.Item, checked((uint)f.OffsetTable.Length));
        f.OffsetTable.CopyTo(output);
        foreach (var frag in f.Fragments)
        {
            WriteTagAndLength(DicomTag.Item, checked((uint)PaddedLength(frag.Length)));
            frag.CopyTo(output);
            if ((frag.Length & 1) == 1) output.WriteByte(0);
        }
        WriteTagAndLength(DicomTag.SequenceDelimitationItem, 0);
    }

    // ---- lengths ---------------------------------------------------------------------------------------------

    private long HeaderLength(DicomVR vr) => !explicitVR ? 8 : vr.HasLongLength() ? 12 : 8;

    /// <summary>Bytes this element takes when written with the current syntax and options.</summary>
    public long EncodedLength(DicomElement e)
    {
        switch (e)
        {
            case DicomValueElement v:
                return HeaderLength(EncodableVR(v)) + PaddedLength(v.Length);
            case DicomSequence s:
                return HeaderLength(DicomVR.SQ) + SequenceContentLength(s) + (IsUndefined(s.UndefinedLength) ? 8 : 0);
            case DicomFragmentSequence f:
                long n = HeaderLength(f.VR) + 8 + f.OffsetTable.Length + 8;
                foreach (var frag in f.Fragments) n += 8 + PaddedLength(frag.Length);
                return n;
            default:
                return 0;
        }
    }

    private long SequenceContentLength(DicomSequence s)
    {
        long n = 0;
        foreach (var item in s.Items)
            n += 8 + DatasetLength(item) + (IsUndefined(item.UndefinedLength) ? 8 : 0);
        return n;
    }

    private long DatasetLength(DicomDataset d)
    {
        long n = 0;
        foreach (var e in d)
        {
            if (e.Tag.IsGroupLength) { if (options.KeepGroupLengths) n += HeaderLength(DicomVR.UL) + 4; continue; }
            n += EncodedLength(e);
        }
        return n;
    }

    // ---- primitives --------------------------------------------------------------------------------------------

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        var b = scratch.AsSpan();
        WriteU16(b, tag.Group);
        WriteU16(b[2..], tag.Element);
        if (!explicitVR)
        {
            WriteU32(b[4..], length);
            output.Write(b[..8]);
            return;
        }
        ushort code = (ushort)vr;
        b[4] = (byte)(code >> 8);
        b[5] = (byte)code;
        if (vr.HasLongLength())
        {
            b[6] = 0; b[7] = 0;
            WriteU32(b[8..], length);
            output.Write(b[..12]);
        }
        else
        {
            WriteU16(b[6..], (ushort)length);
            output.Write(b[..8]);
        }
    }

    private void WriteTagAndLength(DicomTag tag, uint length)
    {
        var b = scratch.AsSpan();
        WriteU16(b, tag.Group);
        WriteU16(b[2..], tag.Element);
        WriteU32(b[4..], length);
        output.Write(b[..8]);
    }

    private void WriteUInt32(uint v)
    {
        WriteU32(scratch, v);
        output.Write(scratch, 0, 4);
    }

    private void WriteU16(Span<byte> b, ushort v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, v); else BinaryPrimitives.WriteUInt16LittleEndian(b, v);
    }

    private void WriteU32(Span<byte> b, uint v)
    {
        if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
    }

}
