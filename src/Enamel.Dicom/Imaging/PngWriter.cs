using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Enamel.Dicom.Imaging;

/// <summary>
/// A minimal PNG encoder (ISO/IEC 15948) for 16-bit greyscale and RGB, which SkiaSharp does not write:
/// signature, IHDR, one zlib IDAT of unfiltered scanlines (samples big endian), IEND.
/// </summary>
internal static class PngWriter
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static void Write(RenderedImage image, Stream destination)
    {
        destination.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = (byte)image.Bits;
        ihdr[9] = (byte)(image.Channels == 1 ? 0 : 2); // colour type: 0 greyscale, 2 truecolour
        WriteChunk(destination, "IHDR", ihdr);

        int bytes = image.Bits / 8, rowLength = image.Width * image.Channels * bytes;
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[1 + rowLength]; // filter type 0 (None)
            for (int y = 0; y < image.Height; y++)
            {
                var src = image.Pixels.AsSpan(y * rowLength, rowLength);
                if (bytes == 1) src.CopyTo(row.AsSpan(1));
                else
                    for (int i = 0; i < rowLength; i += 2)
                    {
                        row[1 + i] = src[i + 1];
                        row[2 + i] = src[i];
                    }
                z.Write(row);
            }
        }
        WriteChunk(destination, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(destination, "IEND", []);
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        s.Write(header);
        s.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFF, header[4..]), data) ^ 0xFFFFFFFF;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        s.Write(tail);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ crc >> 8;
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ c >> 1 : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
