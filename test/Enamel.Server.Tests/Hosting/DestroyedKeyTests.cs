using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Enamel.Core.Keys;

namespace Enamel.Server.Tests.Hosting;

/// <summary>
/// A patient whose data key was destroyed (disposal at the end of retention): every edge answers with a clear status
/// naming why (Core's <see cref="KeyDestroyedException"/>, kind Gone, mapped once per edge), never a bare 500 or a silent
/// nothing: WADO-RS 410 with a problem detail, C-GET and C-MOVE a failure status with an Error Comment.
/// </summary>
public sealed class DestroyedKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Study = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"; // CT_small.dcm
    private string Port => server.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static CancellationToken Ct => CancellationToken.None;

    private async Task<Enamel.Core.Studies.StoredInstance> StoreAndDestroyAsync()
    {
        var store = Peers.Run("storescu", ["-aec", "ENAMEL", "-aet", "MODALITY", "127.0.0.1", Port, ServerFixture.Sample("CT_small.dcm")]);
        Assert.True(store.ExitCode == 0, store.StdErr);
        var instance = Assert.Single(await server.Folder.Index.ListInstancesAsync(Study, null, null, Ct));
        try { await server.Folder.Keyring.DestroyAsync(instance.DataKey, Ct); }
        catch (KeyDestroyedException) { } // another test of this class destroyed it already
        await Assert.ThrowsAsync<KeyDestroyedException>(() => server.Folder.Keyring.UnwrapAsync(instance.DataKey, Ct));
        return instance;
    }

    [Fact]
    public async Task WadoRs_InstanceOfDestroyedKey_Answers410ProblemDetail()
    {
        var instance = await StoreAndDestroyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies/{Study}/series/{instance.SeriesInstanceUid}/instances/{instance.SopInstanceUid}");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("multipart/related; type=\"application/dicom\""));
        using var response = await server.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(410, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("data key has been destroyed", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getscu_StudyOfDestroyedKey_FailsWithErrorComment()
    {
        await StoreAndDestroyAsync();
        var dir = Path.Combine(server.DataDirectory, "..", "get-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var get = Peers.Run("getscu", ["-d", "-S", "-aec", "ENAMEL", "-od", dir, "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={Study}"]);
        var output = get.StdOut + get.StdErr;
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Contains("data key destroyed", output, StringComparison.Ordinal);
        Assert.Matches(@"Failed Suboperations\s*:\s*1", output);
    }

    [Fact]
    public async Task Movescu_StudyOfDestroyedKey_FailsWithErrorComment()
    {
        await StoreAndDestroyAsync();
        var dir = Path.Combine(server.DataDirectory, "..", "move-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var scp = Peers.Start("storescp", ["-aet", "MOVEDEST", "-od", dir, server.MoveDestinationPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            var move = Peers.Run("movescu", ["-d", "-S", "-aec", "ENAMEL", "-aem", "MOVEDEST", "127.0.0.1", Port, "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyInstanceUID={Study}"]);
            var output = move.StdOut + move.StdErr;
            Assert.Contains("data key destroyed", output, StringComparison.Ordinal);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"Failed Suboperations\s*:\s*1"), output);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally { scp.Kill(true); }
    }
}
