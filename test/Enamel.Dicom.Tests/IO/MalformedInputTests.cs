using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Enamel.Dicom.Tests.IO;

/// <summary>
/// Malformed input either reads cleanly or fails with a <see cref="DicomFormatException"/> that names the byte
/// offset and tag path: never another exception type, never a hang, never an allocation a declared length asks for.
/// </summary>
public class MalformedInputTests
{
    public static TheoryData<string> TruncationSamples() =>
        new("CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "JPEG2000.dcm", "image_dfl.dcm");

    [Theory]
    [MemberData(nameof(TruncationSamples))]
    public async Task Read_TruncatedAtEveryOffset_ReadsPrefixOrThrowsFormatException(string name)
    {
        var bytes = File.ReadAllBytes(TestFiles.Sample(name));
        using var full = DicomFile.Open(new MemoryStream(bytes));
        var fullTags = full.Dataset.Select(e => e.Tag).ToList();
        int clean = 0, rejected = 0;
        var work = Task.Run(() =>
        {
            for (int length = 0; length < bytes.Length; length++)
            {
                foreach (var forwardOnly in new[] { false, true })
                {
                    Stream stream = forwardOnly ? new ForwardOnlyStream(bytes[..length]) : new MemoryStream(bytes, 0, length, writable: false);
                    try
                    {
                        // Seekable input leaves values of 256 bytes or more in the stream, so the skip path is cut too.
                        using var file = DicomFile.Open(stream, forwardOnly ? null : new DicomReadOptions { LargeValueThreshold = 256 });
                        var tags = file.Dataset.Select(e => e.Tag).ToList();
                        Assert.True(tags.Count <= fullTags.Count && tags.SequenceEqual(fullTags.Take(tags.Count)),
                            $"{name} cut at {length}: read elements that are not a prefix of the file's");
                        clean++;
                    }
                    catch (DicomFormatException ex)
                    {
                        Assert.InRange(ex.Offset, 0, bytes.Length + 1_000_000); // inflated offsets may pass the file length
                        rejected++;
                    }
                    catch (Exception ex)
                    {
                        Assert.Fail($"{name} cut at {length} ({(forwardOnly ? "forward-only" : "seekable")}): {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        });
        await work.WaitAsync(TimeSpan.FromMinutes(3)); // a TimeoutException here means a hang
        Assert.True(rejected > 0 && clean > 0, $"{name}: {clean} clean prefixes, {rejected} rejections");
    }

    /// <summary>Seeded random corruption of 1-4 bytes in the first kilobytes (headers, lengths, VRs, item tags).</summary>
    [Theory]
    [MemberData(nameof(TruncationSamples))]
    public async Task Read_RandomlyCorruptedBytes_ReadsOrThrowsFormatException(string name)
    {
        var original = File.ReadAllBytes(TestFiles.Sample(name));
        var random = new Random(20261123);
        var failures = new List<string>();
        var work = Task.Run(() =>
        {
            for (int round = 0; round < 3000; round++)
            {
                var bytes = (byte[])original.Clone();
                int flips = random.Next(1, 5);
                for (int i = 0; i < flips; i++)
                    bytes[random.Next(128, Math.Min(bytes.Length, 4096))] = random.Next(4) == 0 ? (byte)0xFF : (byte)random.Next(256);
                foreach (var forwardOnly in new[] { false, true })
                {
                    try
                    {
                        using var file = DicomFile.Open(forwardOnly ? new ForwardOnlyStream(bytes) : new MemoryStream(bytes));
                    }
                    catch (DicomFormatException) { }
                    catch (Exception ex) when (failures.Count < 5)
                    {
                        failures.Add($"round {round} ({(forwardOnly ? "forward-only" : "seekable")}): {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        });
        await work.WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [MemberData(nameof(TruncationSamples))]
    public void Read_OneByteReads_SameDatasetAsWholeReads(string name)
    {
        var bytes = File.ReadAllBytes(TestFiles.Sample(name));
        using var whole = DicomFile.Open(new MemoryStream(bytes));
        using var seekable = DicomFile.Open(new OneByteAtATimeStream(bytes));
        using var forwardOnly = DicomFile.Open(new ForwardOnlyStream(bytes, maxReadSize: 1));
        DatasetAssert.Equal(whole.Dataset, seekable.Dataset);
        DatasetAssert.Equal(whole.Dataset, forwardOnly.Dataset);
        DatasetAssert.Equal(whole.Meta, forwardOnly.Meta);
    }

    [Fact]
    public void Read_ValueLengthPastEnd_ThrowsWithOffsetAndTag()
    {
        // (0010,0010) PN length 100, only 4 bytes follow.
        var data = Explicit(0x0010, 0x0010, "PN", 100, "ABCD"u8.ToArray());
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains("(0010,0010)", ex.Message);
        Assert.Equal(0, ex.Offset);
        Assert.Contains("runs past the end", ex.Message);
    }

    [Fact]
    public void Read_LengthPastEndInsideSequenceItem_ErrorCarriesTagPath()
    {
        var bytes = File.ReadAllBytes(TestFiles.Sample("rtplan.dcm")); // implicit VR little endian
        int beamSequence = IndexOf(bytes, [0x0A, 0x30, 0xB0, 0x00], 0);
        int beamNumber = IndexOf(bytes, [0x0A, 0x30, 0xC0, 0x00], beamSequence); // in the first beam item
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(beamNumber + 4), 0x7FFFFFF0);
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(bytes)));
        Assert.Contains("(300A,00B0)[0]>(300A,00C0)", ex.Message);
        Assert.Equal(beamNumber, ex.Offset);
        Assert.Contains($"at byte {beamNumber}", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_AbsurdLengthOnSmallStream_ThrowsWithoutAllocating(bool forwardOnly)
    {
        var data = new byte[100];
        Explicit(0x0010, 0x0010, "OB", 0xFFFFFFF0, []).CopyTo(data, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<DicomFormatException>(() =>
            DicomFile.Open(forwardOnly ? new ForwardOnlyStream(data) : new MemoryStream(data)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("(0010,0010)", ex.Message);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes for a 100-byte input");
    }

    [Fact]
    public void Read_ForwardOnlyStreamDeclaring2GBWith10Bytes_FailsQuicklyWithoutAllocating()
    {
        var data = Explicit(0x0009, 0x1010, "OB", 0x7FFF_FF00, new byte[10]); // just under the largest array
        data = [.. Explicit(0x0008, 0x0060, "CS", 2, "OT"u8.ToArray()), .. data];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new ForwardOnlyStream(data)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("(0009,1010)", ex.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes for 10 bytes of value");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Read_FragmentLongerThanMaxValueLength_ThrowsWithPixelDataPath()
    {
        var bytes = File.ReadAllBytes(TestFiles.Sample("JPEG2000.dcm"));
        var options = new DicomReadOptions { MaxValueLength = 200 }; // the one fragment holds 250 bytes, every element less
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new ForwardOnlyStream(bytes), options));
        Assert.Contains("fragment length", ex.Message);
        Assert.Equal("(7FE0,0010)", ex.TagPath);
    }

    [Fact]
    public void Read_NestingBomb_ThrowsMentioningDepth()
    {
        // 1000 nested undefined-length sequences (0008,1140), implicit VR little endian.
        var ms = new MemoryStream();
        for (int i = 0; i < 1000; i++)
        {
            ms.Write(Implicit(0x0008, 0x1140, 0xFFFFFFFF));
            ms.Write(Implicit(0xFFFE, 0xE000, 0xFFFFFFFF));
        }
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(ms.ToArray())));
        Assert.Contains("depth", ex.Message);
        Assert.StartsWith("(0008,1140)[0]>(0008,1140)[0]>", ex.TagPath);
    }

    [Fact]
    public void Read_NestingBombWithoutDepthLimit_ThrowsInsteadOfOverflowingTheStack()
    {
        var ms = new MemoryStream();
        for (int i = 0; i < 200_000; i++)
        {
            ms.Write(Implicit(0x0008, 0x1140, 0xFFFFFFFF));
            ms.Write(Implicit(0xFFFE, 0xE000, 0xFFFFFFFF));
        }
        var options = new DicomReadOptions { MaxSequenceDepth = int.MaxValue };
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(ms.ToArray()), options));
        Assert.Contains("depth", ex.Message);
        Assert.True(ex.Message.Length < 1000, $"message of {ex.Message.Length} characters");
    }

    [Fact]
    public void Read_ItemFlood_StopsAtElementLimit()
    {
        // One sequence with 200 000 empty defined-length items.
        var ms = new MemoryStream();
        ms.Write(Implicit(0x0008, 0x1140, 0xFFFFFFFF));
        for (int i = 0; i < 200_000; i++) ms.Write(Implicit(0xFFFE, 0xE000, 0));
        ms.Write(Implicit(0xFFFE, 0xE0DD, 0));
        var options = new DicomReadOptions { MaxElementCount = 100_000 };
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(ms.ToArray()), options));
        Assert.Contains("more than 100000", ex.Message);
        Assert.StartsWith("(0008,1140)", ex.TagPath);
    }

    [Fact]
    public void Read_InvalidVRBytes_ReadAsImplicitThenRejectsImpossibleLength()
    {
        // A valid first element, then (0010,0020) with VR bytes 0x01 0x02: read as an implicit element whose
        // 32-bit length (0x0000_0201 from the VR and length bytes) runs past the end.
        byte[] data = [.. Explicit(0x0010, 0x0010, "PN", 4, "A^B "u8.ToArray()), 0x10, 0x00, 0x20, 0x00, 0x01, 0x02, 0x00, 0x00, .. "ID"u8];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains("(0010,0020)", ex.Message);
        Assert.Equal(12, ex.Offset);
    }

    [Fact]
    public void Read_UnknownUppercaseVR_ReadAsUN()
    {
        byte[] data = [.. Explicit(0x0010, 0x0010, "PN", 4, "A^B "u8.ToArray()), 0x18, 0x00, 0x15, 0x00, (byte)'Z', (byte)'Z', 0, 0, 4, 0, 0, 0, .. "HEAD"u8];
        using var file = DicomFile.Open(new MemoryStream(data));
        var element = Assert.IsType<DicomValueElement>(file.Dataset[DicomTags.BodyPartExamined]);
        Assert.Equal(DicomVR.UN, element.VR);
        Assert.Equal("HEAD"u8.ToArray(), element.Value.GetMemory().ToArray());
    }

    [Fact]
    public void Read_ItemTagWhereElementExpected_Throws()
    {
        byte[] data = [.. Explicit(0x0010, 0x0010, "PN", 4, "A^B "u8.ToArray()), .. Implicit(0xFFFE, 0xE000, 4), 1, 2, 3, 4];
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(data)));
        Assert.Contains("(FFFE,E000)", ex.Message);
    }

    [Fact]
    public void Read_DefinedLengthItemOverrunsSequence_Throws()
    {
        var ms = new MemoryStream();
        ms.Write(Implicit(0x0008, 0x1140, 16));
        ms.Write(Implicit(0xFFFE, 0xE000, 100));
        ms.Write(new byte[120]);
        var ex = Assert.Throws<DicomFormatException>(() => DicomFile.Open(new MemoryStream(ms.ToArray())));
        Assert.Contains("(0008,1140)", ex.TagPath);
    }

    [Fact]
    public void Read_CorruptDeflateStream_ThrowsFormatException()
    {
        var bytes = File.ReadAllBytes(TestFiles.Sample("image_dfl.dcm"));
        int metaEnd = IndexOf(bytes, Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1.99"), 0) + 100;
        for (int i = metaEnd; i < Math.Min(bytes.Length, metaEnd + 64); i++) bytes[i] = 0xFF;
        var ex = Record.Exception(() => DicomFile.Open(new MemoryStream(bytes)).Dispose());
        Assert.True(ex is null or DicomFormatException, $"{ex?.GetType().Name}: {ex?.Message}");
    }

    private static byte[] Explicit(ushort group, ushort element, string vr, uint length, byte[] value)
    {
        var vrValue = (DicomVR)((vr[0] << 8) | vr[1]);
        bool longForm = !DicomVRInfo.IsKnown(vrValue) || vrValue.HasLongLength();
        var header = new byte[longForm ? 12 : 8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, group);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), element);
        header[4] = (byte)vr[0];
        header[5] = (byte)vr[1];
        if (longForm) BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), length);
        else BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), (ushort)length);
        return [.. header, .. value];
    }

    private static byte[] Implicit(ushort group, ushort element, uint length)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(b, group);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), element);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), length);
        return b;
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        int i = haystack.AsSpan(from).IndexOf(needle);
        Assert.True(i >= 0, "pattern not found in sample");
        return from + i;
    }
}
