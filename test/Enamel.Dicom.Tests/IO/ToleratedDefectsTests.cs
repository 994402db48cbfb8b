using System.Buffers.Binary;

namespace Enamel.Dicom.Tests.IO;

/// <summary>The encoding defects the reader tolerates (docs/conformance/dicom-reading.md), each shown on a small dataset.</summary>
public class ToleratedDefectsTests
{
    [Fact]
    public void Read_OddLengthValue_KeepsBytesAndNextElement()
    {
        byte[] data = [.. Ex(0x0010, 0x0010, "PN", "ABC"u8), .. Ex(0x0010, 0x0020, "LO", "ID"u8)];
        using var file = DicomFile.Open(new MemoryStream(data));
        Assert.Equal(3, ((DicomValueElement)file.Dataset[DicomTags.PatientName]!).Length);
        Assert.Equal("ID", file.Dataset.GetString(DicomTags.PatientID));
    }

    [Fact]
    public void Read_ImplicitElementInsideExplicitDataset_UsesDictionaryVR()
    {
        byte[] data = [.. Ex(0x0010, 0x0010, "PN", "A^B "u8), .. Im(0x0010, 0x0020, 4), .. "ID12"u8, .. Ex(0x0010, 0x0030, "DA", "20260101"u8)];
        using var file = DicomFile.Open(new MemoryStream(data));
        Assert.Equal(DicomVR.LO, file.Dataset[DicomTags.PatientID]!.VR);
        Assert.Equal("ID12", file.Dataset.GetString(DicomTags.PatientID));
        Assert.Equal("20260101", file.Dataset.GetString(DicomTags.PatientBirthDate));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(100_000)]
    public void Read_TrailingZeroPadding_Ignored(int padding)
    {
        byte[] data = [.. Ex(0x0010, 0x0010, "PN", "A^B "u8), .. new byte[padding]];
        using var file = DicomFile.Open(new MemoryStream(data));
        Assert.Single(file.Dataset);
        using var forwardOnly = DicomFile.Open(new ForwardOnlyStream(data, maxReadSize: 1));
        Assert.Single(forwardOnly.Dataset);
    }

    [Fact]
    public void Read_DataAfterZeroPadding_Rejected()
    {
        byte[] data = [.. Ex(0x0010, 0x0010, "PN", "A^B "u8), .. new byte[10_000], .. Ex(0x0010, 0x0020, "LO", "ID"u8)];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains("zero", ex.Message);
    }

    [Fact]
    public void Read_SequenceDelimiterInsideDefinedLengthSequence_Skipped()
    {
        // Implicit VR: a defined-length (0008,1140) holding an empty item, a stray sequence delimiter, then a second item.
        byte[] item2 = [.. Im(0x0008, 0x1150, 0), .. Im(0x0008, 0x1155, 0)];
        byte[] body = [.. Im(0xFFFE, 0xE000, 0), .. Im(0xFFFE, 0xE0DD, 0), .. Im(0xFFFE, 0xE000, (uint)item2.Length), .. item2];
        byte[] data = [.. Im(0x0008, 0x1140, (uint)body.Length), .. body, .. Im(0x0010, 0x0020, 2), .. "ID"u8];
        using var file = DicomFile.Open(new MemoryStream(data));
        Assert.Equal(2, file.Dataset.GetSequence(DicomTags.ReferencedImageSequence)!.Items.Count);
        Assert.Equal("ID", file.Dataset.GetString(DicomTags.PatientID));
    }

    [Fact]
    public void Read_UNWithUndefinedLength_ParsedAsImplicitSequence()
    {
        byte[] inner = [.. Im(0x0008, 0x1150, 4), .. "1.2\0"u8];
        byte[] data =
        [
            .. Ex(0x0008, 0x0060, "CS", "OT"u8),
            0x08, 0x00, 0x40, 0x11, (byte)'U', (byte)'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
            .. Im(0xFFFE, 0xE000, 0xFFFFFFFF), .. inner, .. Im(0xFFFE, 0xE00D, 0), .. Im(0xFFFE, 0xE0DD, 0),
            .. Ex(0x0010, 0x0020, "LO", "ID"u8),
        ];
        using var file = DicomFile.Open(new MemoryStream(data));
        var seq = file.Dataset.GetSequence(DicomTags.ReferencedImageSequence);
        Assert.NotNull(seq);
        Assert.Equal("1.2", seq.Items[0].GetString(DicomTags.ReferencedSOPClassUID));
        Assert.Equal("ID", file.Dataset.GetString(DicomTags.PatientID));
    }

    [Fact]
    public void Read_MissingGroupLengths_NotNeeded()
    {
        byte[] data = [.. Ex(0x0008, 0x0060, "CS", "OT"u8), .. Ex(0x0010, 0x0020, "LO", "ID"u8)];
        using var file = DicomFile.Open(new MemoryStream(data));
        Assert.DoesNotContain(file.Dataset, e => e.Tag.IsGroupLength);
        Assert.Equal(2, file.Dataset.Count);
    }

    [Theory]
    [InlineData(0xE00D, "item delimiter outside any item")]
    [InlineData(0xE0DD, "sequence delimiter outside a sequence")]
    public void Read_DelimiterAtTopLevel_Rejected(ushort element, string problem)
    {
        byte[] data = [.. Ex(0x0008, 0x0060, "CS", "OT"u8), .. Im(0xFFFE, element, 0)];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains(problem, ex.Message);
        Assert.Equal(10, ex.Offset); // where the delimiter starts
    }

    [Fact]
    public void Read_UndefinedLengthOnTextVR_Rejected()
    {
        byte[] data = [.. Ex(0x0008, 0x0060, "CS", "OT"u8), 0x10, 0x00, 0x00, 0x40, (byte)'U', (byte)'T', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains("undefined length is not allowed for VR UT", ex.Message);
        Assert.Contains("(0010,4000)", ex.Message);
    }

    private static byte[] Ex(ushort group, ushort element, string vr, ReadOnlySpan<byte> value)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)value.Length);
        return [.. header, .. value];
    }

    private static byte[] Im(ushort group, ushort element, uint length)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(b, group);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), element);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), length);
        return b;
    }
}
