using System.Buffers.Binary;
using Enamel.Dicom.Imaging;

namespace Enamel.Dicom.Tests.IO;

/// <summary>Large objects are parsed with memory that does not grow with the file (values stay in the source as ranges).</summary>
public class StreamingTests
{
    [Fact]
    public void Open_TwoGigabyteMultiFrame_ParsesAndReadsFramesWithBoundedMemory()
    {
        const int rows = 512, cols = 512, frames = 4100; // 512*512*2*4100 = 2.15 GB of pixel data
        var dir = TestFiles.NewTempDir();
        var path = Path.Combine(dir, "cbct.dcm");
        try
        {
            long pixelLength = (long)rows * cols * 2 * frames;
            WriteSparseMultiFrame(path, rows, cols, frames, pixelLength);

            long before = GC.GetTotalAllocatedBytes(precise: true);
            using var file = DicomFile.Open(path);
            var pixel = DicomPixelData.Create(file);
            Assert.Equal(frames, pixel.NumberOfFrames);
            var last = pixel.GetFrame(frames - 1);
            var middle = pixel.GetFrame(frames / 2);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

            Assert.Equal(rows * cols * 2, last.Length);
            // The marker written into the last frame's first pixel proves the right range was read.
            Assert.Equal(0xBEEF, BinaryPrimitives.ReadUInt16LittleEndian(last));
            Assert.Equal(0, middle[0]);
            Assert.True(allocated < 16L * 1024 * 1024, $"allocated {allocated:N0} bytes to parse a {pixelLength:N0}-byte object and read two frames");
            var element = Assert.IsType<DicomValueElement>(file.Dataset[DicomTags.PixelData]);
            Assert.True(element.Value.IsDeferred);
            Assert.Equal(pixelLength, element.Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes a header, then a Pixel Data element whose bytes are a sparse hole (no disk space used).</summary>
    private static void WriteSparseMultiFrame(string path, int rows, int cols, int frames, long pixelLength)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2.1");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        ds.SetString(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ds.SetUInt16(DicomTags.Rows, (ushort)rows);
        ds.SetUInt16(DicomTags.Columns, (ushort)cols);
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetUInt16(DicomTags.BitsAllocated, 16);
        ds.SetUInt16(DicomTags.BitsStored, 12);
        ds.SetUInt16(DicomTags.HighBit, 11);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        using var fs = new FileStream(path, FileMode.Create);
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(fs);
        // (7FE0,0010) OW, reserved, 32-bit length — pixel data longer than 4 GB cannot be encoded natively.
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0x0010);
        header[4] = (byte)'O'; header[5] = (byte)'W';
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], checked((uint)pixelLength));
        fs.Write(header);
        long pixelStart = fs.Position;
        fs.SetLength(pixelStart + pixelLength);
        fs.Position = pixelStart + pixelLength - (long)rows * cols * 2;
        fs.Write([0xEF, 0xBE]);
    }
}
