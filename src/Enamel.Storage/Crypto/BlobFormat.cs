using System.Buffers.Binary;
using System.Security.Cryptography;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;

namespace Enamel.Storage.Crypto;

/// <summary>
/// The encrypted blob format: a 64-byte header, then AES-256-GCM segments of a fixed plaintext size, each
/// followed by its 16-byte tag. Each segment's nonce is (7-byte random prefix ‖ 32-bit segment index ‖ final
/// flag), the header is the associated data of every segment, and the AES key is derived per blob with HKDF
/// from the patient's data key. So truncation (no final segment), reordering (index), bit flips (tag) and
/// moving a segment between blobs (header/key) are all detected, and any segment decrypts on its own.
/// </summary>
/// <remarks>
/// Header: "ENB1" | version 1 | log2(segment size) | 2 reserved | blob id (16) | data key id (16) |
/// HKDF salt (16) | nonce prefix (7) | 1 reserved. All of it is authenticated.
/// </remarks>
internal sealed class BlobFormat
{
    public const int HeaderLength = 64;
    public const int TagLength = 16;
    public const int DefaultSegmentLog2 = 16; // 64 KiB: a frame read decrypts little more than the frame
    private static readonly byte[] Magic = "ENB1"u8.ToArray();

    private BlobFormat(byte[] header, int segmentLog2, BlobId blobId, DataKeyId keyId)
    {
        Header = header;
        SegmentLength = 1 << segmentLog2;
        BlobId = blobId;
        KeyId = keyId;
    }

    public byte[] Header { get; }
    public int SegmentLength { get; }
    public BlobId BlobId { get; }
    public DataKeyId KeyId { get; }
    public int StoredSegmentLength => SegmentLength + TagLength;
    private ReadOnlySpan<byte> NoncePrefix => Header.AsSpan(56, 7);

    public static BlobFormat CreateNew(BlobId blobId, DataKeyId keyId, int segmentLog2 = DefaultSegmentLog2)
    {
        var h = new byte[HeaderLength];
        Magic.CopyTo(h, 0);
        h[4] = 1;
        h[5] = (byte)segmentLog2;
        Convert.FromHexString(blobId.Value).CopyTo(h, 8);
        keyId.Value.TryWriteBytes(h.AsSpan(24, 16), bigEndian: true, out _);
        RandomNumberGenerator.Fill(h.AsSpan(40, 16 + 7));
        return new BlobFormat(h, segmentLog2, blobId, keyId);
    }

    public static BlobFormat Parse(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderLength || !header[..4].SequenceEqual(Magic))
            throw new BlobCorruptException("not an Enamel encrypted blob (bad magic)");
        if (header[4] != 1) throw new BlobCorruptException($"unsupported blob format version {header[4]}");
        int log2 = header[5];
        if (log2 is < 10 or > 24) throw new BlobCorruptException($"segment size 2^{log2} is out of range");
        var blobId = new BlobId(Convert.ToHexStringLower(header.Slice(8, 16)));
        var keyId = new DataKeyId(new Guid(header.Slice(24, 16), bigEndian: true));
        return new BlobFormat(header[..HeaderLength].ToArray(), log2, blobId, keyId);
    }

    /// <summary>The per-blob AES key: HKDF-SHA256(data key, salt from the header, info = "enamel blob v1" ‖ blob id).</summary>
    public byte[] DeriveKey(ReadOnlySpan<byte> dataKey)
    {
        Span<byte> info = stackalloc byte[14 + 16];
        "enamel blob v1"u8.CopyTo(info);
        Header.AsSpan(8, 16).CopyTo(info[14..]);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey.ToArray(), 32, Header.AsSpan(40, 16).ToArray(), info.ToArray());
    }

    public void Nonce(long segmentIndex, bool final, Span<byte> nonce)
    {
        NoncePrefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[7..], checked((uint)segmentIndex));
        nonce[11] = final ? (byte)1 : (byte)0;
    }

    /// <summary>Plaintext length implied by the stored length (every segment full but the last).</summary>
    public long PlaintextLength(long storedLength)
    {
        long body = storedLength - HeaderLength;
        if (body < TagLength) throw new BlobCorruptException("blob is truncated: no final segment");
        long full = body / StoredSegmentLength, rest = body % StoredSegmentLength;
        if (rest == 0) return full * SegmentLength;
        if (rest < TagLength) throw new BlobCorruptException("blob is truncated inside a segment tag");
        return full * SegmentLength + rest - TagLength;
    }

    public long SegmentCount(long plaintextLength) => plaintextLength == 0 ? 1 : (plaintextLength + SegmentLength - 1) / SegmentLength;
}

/// <summary>An encrypted blob failed authentication or is structurally damaged: truncated, reordered, altered or under the wrong key.</summary>
public sealed class BlobCorruptException(string message, Exception? inner = null) : Enamel.Core.Errors.EnamelException(message, inner)
{
    public override Enamel.Core.Errors.ErrorKind Kind => Enamel.Core.Errors.ErrorKind.Corrupt;
    public override string Code => "blob-corrupt";
}
