using System.Buffers.Binary;
using System.Security.Cryptography;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// The DIMSE spool of the archive: a received C-STORE object waits for ingest encrypted (AES-256-GCM, 64 KiB segments)
/// under a key that exists only in this process's memory, so it never rests on disk in the clear and whatever a crash
/// leaves behind cannot be read by anyone (the next start removes it). Each file has a random 8-byte id; a segment's
/// nonce is (id ‖ segment index) and its associated data (id ‖ index ‖ final flag ‖ length), so reordered, truncated,
/// swapped or altered segments are refused.
/// </summary>
/// <remarks>File: id (8), then segments: plaintext length (4, LE) | final (1) | ciphertext | tag (16).</remarks>
internal sealed class EphemeralSpool : IDicomSpool, IDisposable
{
    private const int SegmentLength = 64 * 1024;
    private const int TagLength = 16;
    private const int IdLength = 8;
    private const int SegmentHeaderLength = 5;
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);

    public Stream Create(string path) =>
        new Writer(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None), key);

    public Stream OpenRead(string path) =>
        new Reader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), key);

    public void Dispose() => CryptographicOperations.ZeroMemory(key);

    private static byte[] Nonce(ReadOnlySpan<byte> id, uint index)
    {
        var nonce = new byte[12];
        id.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce.AsSpan(IdLength), index);
        return nonce;
    }

    private static byte[] AssociatedData(ReadOnlySpan<byte> id, uint index, bool final, int length)
    {
        var ad = new byte[IdLength + 4 + 1 + 4];
        id.CopyTo(ad);
        BinaryPrimitives.WriteUInt32LittleEndian(ad.AsSpan(IdLength), index);
        ad[IdLength + 4] = final ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(ad.AsSpan(IdLength + 5), length);
        return ad;
    }

    private sealed class Writer : Stream
    {
        private readonly FileStream file;
        private readonly AesGcm gcm;
        private readonly byte[] id = RandomNumberGenerator.GetBytes(IdLength);
        private readonly byte[] plain = new byte[SegmentLength];
        private readonly byte[] sealedSegment = new byte[SegmentHeaderLength + SegmentLength + TagLength];
        private int filled;
        private uint index;
        private bool closed;

        public Writer(FileStream file, byte[] key)
        {
            this.file = file;
            gcm = new AesGcm(key, TagLength);
            file.Write(id);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => file.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            while (!buffer.IsEmpty)
            {
                if (filled == SegmentLength) Seal(final: false);
                int n = Math.Min(buffer.Length, SegmentLength - filled);
                buffer[..n].CopyTo(plain.AsSpan(filled));
                filled += n;
                buffer = buffer[n..];
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span); // buffered in memory; a sealed segment goes to the page cache
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Seal(bool final)
        {
            var output = sealedSegment.AsSpan(0, SegmentHeaderLength + filled + TagLength);
            BinaryPrimitives.WriteInt32LittleEndian(output, filled);
            output[4] = final ? (byte)1 : (byte)0;
            gcm.Encrypt(Nonce(id, index), plain.AsSpan(0, filled), output.Slice(SegmentHeaderLength, filled), output[(SegmentHeaderLength + filled)..],
                AssociatedData(id, index, final, filled));
            file.Write(output);
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, filled));
            index++;
            filled = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !closed)
            {
                closed = true;
                try { Seal(final: true); }
                finally
                {
                    file.Dispose();
                    gcm.Dispose();
                }
            }
            base.Dispose(disposing);
        }
    }

    private sealed class Reader : ForwardOnlyReadStream
    {
        private readonly FileStream file;
        private readonly AesGcm gcm;
        private readonly byte[] id = new byte[IdLength];
        private readonly byte[] plain = new byte[SegmentLength];
        private readonly byte[] sealedSegment = new byte[SegmentLength + TagLength];
        private int available;
        private int offset;
        private uint index;
        private bool sawFinal;

        public Reader(FileStream file, byte[] key)
        {
            this.file = file;
            gcm = new AesGcm(key, TagLength);
            if (file.ReadAtLeast(id, IdLength, throwOnEndOfStream: false) != IdLength) throw Damaged("shorter than its header");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            if (destination.IsEmpty) return 0;
            if (offset == available && !Next()) return 0;
            int n = Math.Min(destination.Length, available - offset);
            plain.AsSpan(offset, n).CopyTo(destination);
            offset += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        /// <summary>Decrypts the next segment; false at a clean end (after the final segment).</summary>
        private bool Next()
        {
            if (sawFinal)
            {
                if (file.ReadByte() != -1) throw Damaged("has data after its final segment");
                return false;
            }
            Span<byte> header = stackalloc byte[SegmentHeaderLength];
            if (file.ReadAtLeast(header, SegmentHeaderLength, throwOnEndOfStream: false) != SegmentHeaderLength) throw Damaged("is truncated");
            int length = BinaryPrimitives.ReadInt32LittleEndian(header);
            bool final = header[4] == 1;
            if (length is < 0 or > SegmentLength || header[4] > 1 || (!final && length != SegmentLength)) throw Damaged("has a malformed segment");
            var input = sealedSegment.AsSpan(0, length + TagLength);
            if (file.ReadAtLeast(input, input.Length, throwOnEndOfStream: false) != input.Length) throw Damaged("is truncated");
            try
            {
                gcm.Decrypt(Nonce(id, index), input[..length], input[length..], plain.AsSpan(0, length), AssociatedData(id, index, final, length));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw Damaged("does not authenticate");
            }
            index++;
            sawFinal = final;
            available = length;
            offset = 0;
            return length > 0 || Next();
        }

        private static IOException Damaged(string what) => new($"spooled object {what}");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
                gcm.Dispose();
                CryptographicOperations.ZeroMemory(plain);
            }
            base.Dispose(disposing);
        }
    }
}
