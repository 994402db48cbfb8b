using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.Imaging;

public class StoredValuesTests
{
    [Fact]
    public void Extract_12Of16Bits_MasksUnusedHighBits()
    {
        var info = new PixelDataInfo { Rows = 1, Columns = 2, BitsAllocated = 16, BitsStored = 12, HighBit = 11 };
        // 0xF123 → 0x123; 0x0FFF → 4095
        Assert.Equal([0x123L, 4095L], StoredValues.Extract([0x23, 0xF1, 0xFF, 0x0F], info));
    }

    [Fact]
    public void Extract_SignedShiftedHighBit_SignExtends()
    {
        // 10 bits stored ending at bit 12: raw bits 3..12. Value -1 = 0x3FF << 3 = 0x1FF8; +5 = 0x28; garbage in bits 0-2 and 15.
        var info = new PixelDataInfo { Rows = 1, Columns = 2, BitsAllocated = 16, BitsStored = 10, HighBit = 12, PixelRepresentation = 1 };
        Assert.Equal([-1L, 5L], StoredValues.Extract([0xFF, 0x9F, 0x2F, 0x80], info));
    }

    [Fact]
    public void Extract_Signed8_SignExtends() =>
        Assert.Equal([-128L, -1L, 127L], StoredValues.Extract([0x80, 0xFF, 0x7F],
            new PixelDataInfo { Rows = 1, Columns = 3, BitsAllocated = 8, BitsStored = 8, HighBit = 7, PixelRepresentation = 1 }));

    [Fact]
    public void Extract_32Bit_ReadsLittleEndian() =>
        Assert.Equal([0x12345678L, 0xFFFFFFFFL], StoredValues.Extract([0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF],
            new PixelDataInfo { Rows = 1, Columns = 2, BitsAllocated = 32, BitsStored = 32, HighBit = 31 }));

    [Fact]
    public void Extract_1Bit_ReadsLeastSignificantBitFirst() =>
        Assert.Equal([1L, 0, 0, 0, 0, 0, 0, 1, 1, 0], StoredValues.Extract([0x81, 0x01],
            new PixelDataInfo { Rows = 2, Columns = 5, BitsAllocated = 1, BitsStored = 1, HighBit = 0 }));

    [Fact]
    public void Extract_PlanarConfiguration1_InterleavesPlanes()
    {
        var info = new PixelDataInfo { Rows = 1, Columns = 2, SamplesPerPixel = 3, PlanarConfiguration = 1, PhotometricInterpretation = "RGB" };
        Assert.Equal([1L, 3, 5, 2, 4, 6], StoredValues.Extract([1, 2, 3, 4, 5, 6], info));
    }

    [Fact]
    public void Extract_ShortFrame_ThrowsWithSizes()
    {
        var ex = Assert.Throws<DicomImagingException>(() => StoredValues.Extract(new byte[7], new PixelDataInfo { Rows = 2, Columns = 2, BitsAllocated = 16, BitsStored = 16, HighBit = 15 }));
        Assert.Contains("7 bytes", ex.Message);
    }
}
