using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Server.Dimse;

/// <summary>
/// The DIMSE spool of the archive. A received C-STORE object up to <see cref="MaxObjectInMemory"/> waits for ingest in
/// this process's memory only (64 KiB pooled chunks, zeroed when the object is removed), while the objects held so far
/// stay within <see cref="MemoryBudget"/>: nothing of it is written to disk before the ingest pipeline encrypts it, and
/// the spool costs no encryption, write, read and decryption of its own. A larger object, or one that arrives when the
/// budget is spent, goes to a file encrypted (AES-256-GCM, 64 KiB segments) under a key that exists only in this
/// process's memory, so it never rests on disk in the clear and whatever a crash leaves behind cannot be read by anyone
/// (the next start removes it). Each file has a random 8-byte id; a segment's nonce is (id ‖ segment index) and its
/// associated data (id ‖ index ‖ final flag ‖ length), so reordered, truncated, swapped or altered segments are refused.
/// </summary>
/// <remarks>File: id (8), then segments: plaintext length (4, LE) | final (1) | ciphertext | tag (16).</remarks>
internal sealed class EphemeralSpool(long memoryBudget = EphemeralSpool.DefaultMemoryBudget, int maxObjectInMemory = EphemeralSpool.DefaultMaxObjectInMemory)
    : IDicomSpool, IDisposable
{
    public const long DefaultMemoryBudget = 48L * 1024 * 1024;
    public const int DefaultMaxObjectInMemory = 16 * 1024 * 1024;
    private const int SegmentLength = 64 * 1024;
    private const int TagLength = 16;
    private const int IdLength = 8;
    private const int SegmentHeaderLength = 5;
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Held> held = new(StringComparer.Ordinal);
    // Chunks come back here when an object is removed; a few are kept for the next object, the rest go to the GC.
    private readonly ArrayPool<byte> chunks = ArrayPool<byte>.Create(SegmentLength, 64);
    private long reserved;

    /// <summary>Most bytes all objects held in memory may take together; beyond it objects go to encrypted files.</summary>
    public long MemoryBudget => memoryBudget;

    /// <summary>Largest object held in memory; a larger one goes to an encrypted file.</summary>
    public int MaxObjectInMemory => maxObjectInMemory;

    /// <summary>Objects held in memory now (received, not yet removed).</summary>
    public int ObjectsInMemory => held.Count;

    public Stream Create(string path) => new Writer(this, path);

    public Stream OpenRead(string path) =>
        held.TryGetValue(path, out var h) ? new MemoryReader(h)
        : new Reader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), key);

    public void Delete(string path)
    {
        if (held.TryRemove(path, out var h)) Release(h.Chunks);
        if (File.Exists(path)) File.Delete(path);
    }

    public void Dispose()
    {
        foreach (var path in held.Keys) Delete(path);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>Takes room for one more chunk from the budget; false when it is spent.</summary>
    private bool TryReserve()
    {
        if (Interlocked.Add(ref reserved, SegmentLength) <= memoryBudget) return true;
        Interlocked.Add(ref reserved, -SegmentLength);
        return false;
    }

    private void Release(List<byte[]> list)
    {
        foreach (var chunk in list)
        {
            CryptographicOperations.ZeroMemory(chunk);
            chunks.Return(chunk);
        }
        Interlocked.Add(ref reserved, -(long)SegmentLength * list.Count);
        list.Clear();
    }

    /// <summary>An object held in memory: its chunks, each full but the last.</summary>
    private sealed record Held(List<byte[]> Chunks, long Length);

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

    /// <summary>
    /// Writes into memory chunks while the object stays within <see cref="MaxObjectInMemory"/> and the budget allows;
    /// past that, creates the file and seals what it holds, and every later segment, into it.
    /// </summary>
    private sealed class Writer : Stream
    {
        private readonly EphemeralSpool spool;
        private readonly string path;
        private List<byte[]>? memory;
        private long length;
        private FileStream? file;
        private AesGcm? gcm;
        private readonly byte[] id = RandomNumberGenerator.GetBytes(IdLength);
        private byte[]? plain;
        private byte[]? sealedSegment;
        private int filled;
        private uint index;
        private bool closed;

        public Writer(EphemeralSpool spool, string path)
        {
            (this.spool, this.path) = (spool, path);
            if (spool.MemoryBudget > 0) memory = [];
            else OpenFile();
        }

        private void OpenFile()
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None);
            gcm = new AesGcm(spool.key, TagLength);
            plain = new byte[SegmentLength];
            sealedSegment = new byte[SegmentHeaderLength + SegmentLength + TagLength];
            file.Write(id);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => file?.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            if (memory is not null && !TryHold(buffer)) Spill();
            if (memory is not null) return;
            while (!buffer.IsEmpty)
            {
                if (filled == SegmentLength) Seal(final: false);
                int n = Math.Min(buffer.Length, SegmentLength - filled);
                buffer[..n].CopyTo(plain.AsSpan(filled));
                filled += n;
                buffer = buffer[n..];
            }
        }

        /// <summary>Appends to the memory chunks; false (nothing appended) when the object would outgrow memory or the budget.</summary>
        private bool TryHold(ReadOnlySpan<byte> buffer)
        {
            var list = memory!;
            long end = length + buffer.Length;
            if (end > spool.MaxObjectInMemory) return false;
            int more = (int)((end + SegmentLength - 1) / SegmentLength) - list.Count;
            for (int i = 0; i < more; i++)
            {
                if (spool.TryReserve()) continue;
                Interlocked.Add(ref spool.reserved, -(long)SegmentLength * i);
                return false;
            }
            for (int i = 0; i < more; i++) list.Add(spool.chunks.Rent(SegmentLength));
            while (!buffer.IsEmpty)
            {
                int chunk = (int)(length / SegmentLength), within = (int)(length % SegmentLength);
                int n = Math.Min(buffer.Length, SegmentLength - within);
                buffer[..n].CopyTo(list[chunk].AsSpan(within));
                length += n;
                buffer = buffer[n..];
            }
            return true;
        }

        /// <summary>From memory to an encrypted file: every full chunk sealed as a segment, the last one kept as the open segment.</summary>
        private void Spill()
        {
            var held = memory!;
            memory = null;
            OpenFile();
            long left = length;
            foreach (var chunk in held)
            {
                int n = (int)Math.Min(left, SegmentLength);
                if (filled == SegmentLength) Seal(final: false);
                chunk.AsSpan(0, n).CopyTo(plain);
                filled = n;
                left -= n;
            }
            spool.Release(held);
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
            gcm!.Encrypt(Nonce(id, index), plain.AsSpan(0, filled), output.Slice(SegmentHeaderLength, filled), output[(SegmentHeaderLength + filled)..],
                AssociatedData(id, index, final, filled));
            file!.Write(output);
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, filled));
            index++;
            filled = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !closed)
            {
                closed = true;
                if (memory is not null)
                {
                    // Held: readable under its path until the engine removes it.
                    if (!spool.held.TryAdd(path, new Held(memory, length)))
                    {
                        spool.Release(memory);
                        throw new IOException("a spooled object with this path already exists");
                    }
                    memory = null;
                }
                else
                {
                    try { Seal(final: true); }
                    finally
                    {
                        file!.Dispose();
                        gcm!.Dispose();
                    }
                }
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>Reads an object held in memory from its start (the chunks stay until the object is removed).</summary>
    private sealed class MemoryReader(Held held) : ForwardOnlyReadStream
    {
        private long position;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            int total = 0;
            while (!destination.IsEmpty && position < held.Length)
            {
                int chunk = (int)(position / SegmentLength), within = (int)(position % SegmentLength);
                int n = (int)Math.Min(Math.Min(destination.Length, SegmentLength - within), held.Length - position);
                held.Chunks[chunk].AsSpan(within, n).CopyTo(destination);
                destination = destination[n..];
                position += n;
                total += n;
            }
            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));
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
