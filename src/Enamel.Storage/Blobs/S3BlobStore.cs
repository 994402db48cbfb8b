using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Storage.Crypto;

namespace Enamel.Storage.Blobs;

/// <summary>Where an S3-compatible object store is and how to reach it.</summary>
public sealed record S3BlobStoreOptions
{
    public required string ServiceUrl { get; init; }
    public required string Bucket { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public string Region { get; init; } = "us-east-1";
    /// <summary>Path-style addressing (bucket in the path), as most self-hosted S3 servers need.</summary>
    public bool ForcePathStyle { get; init; } = true;
    public string Prefix { get; init; } = "blobs/";
}

/// <summary>
/// Encrypted blobs in an S3 bucket. A blob is encrypted into a local temporary file (ciphertext only) and
/// uploaded with one PUT, which S3 makes visible only when complete; reads are ranged GETs, so one frame of a
/// large object costs one small request.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly IAmazonS3 client;
    private readonly S3BlobStoreOptions options;
    private readonly IKeyring keyring;
    private readonly string tempDirectory;

    public S3BlobStore(S3BlobStoreOptions options, IKeyring keyring, string tempDirectory)
    {
        this.options = options;
        this.keyring = keyring;
        this.tempDirectory = tempDirectory;
        client = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(options.AccessKey, options.SecretKey), new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        try
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Bucket }, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Conflict || ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public async Task<BlobId> PutAsync(Stream plaintext, DataKeyId keyId, CancellationToken ct)
    {
        var id = BlobId.New();
        Directory.CreateDirectory(tempDirectory);
        var tmp = Path.Combine(tempDirectory, id.Value + ".s3part");
        var key = await keyring.UnwrapAsync(keyId, ct);
        try
        {
            // Unbuffered and synchronous: the encryptor writes about 1 MiB at a time (BlobEncryptor).
            await using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
                await BlobEncryptor.EncryptAsync(plaintext, fs, key, id, keyId, ct);
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = options.Bucket,
                Key = ObjectKey(id),
                FilePath = tmp,
                ContentType = "application/octet-stream",
                UseChunkEncoding = false, // self-hosted S3 servers (Swift s3api, older MinIO) refuse aws-chunked uploads
            }, ct);
            return id;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
            File.Delete(tmp);
        }
    }

    public async Task<Stream> OpenReadAsync(BlobId id, CancellationToken ct)
    {
        long length;
        try
        {
            var head = await client.GetObjectMetadataAsync(options.Bucket, ObjectKey(id), ct);
            length = head.ContentLength;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"blob {id} does not exist");
        }
        var stored = new S3RangeStream(client, options.Bucket, ObjectKey(id), length);
        var header = new byte[BlobFormat.HeaderLength];
        if (length < header.Length) throw new BlobCorruptException($"blob {id} is truncated inside its header");
        stored.ReadExactly(header);
        var format = BlobFormat.Parse(header);
        var dataKey = await keyring.UnwrapAsync(format.KeyId, ct);
        try { return new DecryptingBlobStream(stored, dataKey); }
        finally { System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey); }
    }

    public async Task<bool> ExistsAsync(BlobId id, CancellationToken ct)
    {
        try
        {
            await client.GetObjectMetadataAsync(options.Bucket, ObjectKey(id), ct);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public Task DeleteAsync(BlobId id, CancellationToken ct) => client.DeleteObjectAsync(options.Bucket, ObjectKey(id), ct);

    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = options.Bucket, Prefix = options.Prefix, ContinuationToken = token }, ct);
            foreach (var o in page.S3Objects ?? [])
            {
                var name = o.Key[options.Prefix.Length..];
                if (BlobId.IsValid(name)) yield return new BlobInfo(new BlobId(name), o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue);
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    private string ObjectKey(BlobId id) =>
        BlobId.IsValid(id.Value) ? options.Prefix + id.Value : throw new ArgumentException($"'{id.Value}' is not a blob id", nameof(id));

    public void Dispose() => client.Dispose();
}
