using System.Net;
using System.Net.Http.Headers;
using Enamel.Dicom;
using Enamel.Server.Hosting;
using Enamel.Storage.Blobs;
using Enamel.Storage.Tests.Blobs;

namespace Enamel.Server.Tests.Hosting;

/// <summary>The server with <c>Enamel:Blobs:Kind=s3</c> against Swift's s3api: blobs go to the bucket, not to store/.</summary>
public sealed class S3ServerFixture : ServerFixture
{
    public SwiftS3Server Swift { get; } = new();

    protected override void Configure(EnamelOptions options) => options.Blobs = new BlobOptions
    {
        Kind = "s3",
        ServiceUrl = Swift.ServiceUrl,
        Bucket = "enamel-server-" + Guid.NewGuid().ToString("N")[..8],
        AccessKey = SwiftS3Server.AccessKey,
        SecretKey = SwiftS3Server.SecretKey,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Swift.Dispose();
    }
}

public sealed class S3BlobsServerTests(S3ServerFixture server) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task StowThenWado_OnS3Blobs_RoundTripsBitExact_NothingInStoreFolder()
    {
        Assert.IsType<S3BlobStore>(server.Folder.Blobs);
        var stow = await server.StowAsync(ServerFixture.Sample("CT_small.dcm"));
        Assert.Equal(HttpStatusCode.OK, stow.StatusCode);

        using var original = DicomFile.Open(ServerFixture.Sample("CT_small.dcm"));
        var study = original.Dataset.GetString(DicomTags.StudyInstanceUID);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{study}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\""));
        using var get = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var part = Assert.Single(await Multipart.ReadAsync(get));
        using var back = DicomFile.Open(new MemoryStream(part));
        Assert.Equal(((DicomValueElement)original.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray(),
            ((DicomValueElement)back.Dataset[DicomTags.PixelData]!).Value.GetMemory().ToArray());

        var inBucket = new List<string>();
        await foreach (var blob in server.Folder.Blobs.ListAsync(CancellationToken.None)) inBucket.Add(blob.Id.Value);
        var instance = Assert.Single(await server.Folder.Index.ListInstancesAsync(study!, null, null, CancellationToken.None));
        Assert.Contains(instance.Blob.Id.Value, inBucket);
        var store = Path.Combine(server.DataDirectory, "store");
        Assert.False(Directory.Exists(store) && Directory.EnumerateFiles(store, "*.enb", SearchOption.AllDirectories).Any());
    }
}
