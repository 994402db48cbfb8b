using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>dcmtk SCUs (echoscu, storescu, findscu, getscu, movescu) against our SCP on 127.0.0.1.</summary>
public sealed class DcmtkScuTests : IAsyncLifetime
{
    private readonly string dir = TestFiles.NewTempDir();
    private readonly ListLogger log = new();
    private DirectoryStoreHandler store = null!;
    private DicomListener scp = null!;

    public static readonly string[] NativeSamples =
        ["CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "reportsi.dcm", "SC_rgb_small_odd.dcm"];

    public Task InitializeAsync()
    {
        store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        scp = DicomListener.Start(Options());
        return Task.CompletedTask;
    }

    private DicomListenerOptions Options(DicomTlsOptions? tls = null) => new()
    {
        AeTitle = "ENAMEL-SCP",
        StoreHandler = store,
        TempDirectory = Path.Combine(dir, "tmp"),
        Logger = log,
        Tls = tls,
    };

    public async Task DisposeAsync()
    {
        await scp.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void EchoScu_OurScp_Succeeds()
    {
        var (exit, output) = Dcmtk.Run("echoscu", ["-aet", "ECHO", "-aec", "ENAMEL-SCP", "127.0.0.1", scp.Port.ToString()]);
        Assert.True(exit == 0, output);
        Assert.True(log.WaitFor(l => l.Contains("released by ECHO")), string.Join("\n", log.Lines));
    }

    [Fact]
    public void EchoScu_WrongCalledAe_RejectedWithReason()
    {
        var (exit, output) = Dcmtk.Run("echoscu", ["-aet", "ECHO", "-aec", "NOT-US", "127.0.0.1", scp.Port.ToString()]);
        Assert.NotEqual(0, exit);
        Assert.Contains("Called AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
        Assert.True(log.WaitFor(l => l.Contains("rejected") && l.Contains("called AE title")));
    }

    [Fact]
    public void StoreScu_ManyFilesOneAssociation_StoredElementForElement()
    {
        var files = NativeSamples.Select(TestFiles.Sample).ToList();
        var (exit, output) = Dcmtk.Run("storescu", ["-aet", "STORE", "-aec", "ENAMEL-SCP", "127.0.0.1", scp.Port.ToString(), .. files], 120);
        Assert.True(exit == 0, output);
        Assert.Equal(files.Count, store.Stored.Count);
        foreach (var f in files) AssertStored(f, Path.Combine(dir, "in"));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tmp")));
    }

    [Theory]
    [InlineData("-xr", "MR_small_RLE.dcm")]
    [InlineData("-xr", "SC_rgb_rle.dcm")]
    [InlineData("-xw", "JPEG2000.dcm")]
    [InlineData("-xt", "MR_small_jpeg_ls_lossless.dcm")]
    [InlineData("-xy", "SC_rgb_jpeg_dcmtk.dcm")]
    public void StoreScu_CompressedFile_AcceptedAsIs(string proposeFlag, string sample)
    {
        var file = TestFiles.Sample(sample);
        var (exit, output) = Dcmtk.Run("storescu", [proposeFlag, "-aet", "STORE", "-aec", "ENAMEL-SCP", "127.0.0.1", scp.Port.ToString(), file]);
        Assert.True(exit == 0, output);
        AssertStored(file, Path.Combine(dir, "in"));
        using var got = DicomFile.Open(store.Stored.Single());
        using var sent = DicomFile.Open(file);
        Assert.Equal(sent.TransferSyntax.Uid, got.TransferSyntax.Uid);
    }

    /// <summary>Element-for-element equality; Data Set Trailing Padding (FFFC,FFFC) may be dropped in transit (PS3.10 7.2).</summary>
    internal static void AssertSame(DicomDataset sent, DicomDataset got)
    {
        var expected = sent.Clone();
        expected.Remove(new DicomTag(0xFFFC, 0xFFFC));
        got = got.Clone();
        got.Remove(new DicomTag(0xFFFC, 0xFFFC));
        // An implicit VR sender leaves US/SS and OB/OW open; a converting peer settles them. Same bytes, same value.
        foreach (var e in got.ToList())
            if (e is DicomValueElement v && expected[e.Tag] is DicomValueElement x && x.VR != v.VR
                && new[] { x.VR, v.VR }.All(r => r is DicomVR.US or DicomVR.SS or DicomVR.OB or DicomVR.OW))
                got.Set(new DicomValueElement(e.Tag, DicomVR.UN, v.Value));
        DatasetAssert.Equal(expected, got);
    }

    internal static void AssertStored(string original, string directory)
    {
        using var sent = DicomFile.Open(original);
        var uid = sent.Dataset.GetString(DicomTags.SOPInstanceUID)!;
        using var got = DicomFile.Open(Path.Combine(directory, uid + ".dcm"));
        AssertSame(sent.Dataset, got.Dataset);
        Assert.Equal(sent.Dataset.GetString(DicomTags.SOPClassUID), got.Meta.GetString(DicomTags.MediaStorageSOPClassUID));
    }

    [Fact]
    public async Task FindScu_MemoryHandler_ReturnsMatches()
    {
        var records = new[] { ("DOE^JOHN", "1"), ("DOE^JANE", "2"), ("ROE^RICHARD", "3") }.Select(r =>
        {
            var d = new DicomDataset();
            d.SetString(DicomTags.PatientName, r.Item1);
            d.SetString(DicomTags.PatientID, r.Item2);
            d.SetString(DicomTags.QueryRetrieveLevel, "PATIENT");
            return d;
        }).ToList();
        var findOptions = new DicomListenerOptions { AeTitle = "Q", FindHandler = new MemoryFindHandler(records), Logger = log, TempDirectory = Path.Combine(dir, "tmp") };
        var findScp = DicomListener.Start(findOptions);
        try
        {
            var outDir = Path.Combine(dir, "find");
            Directory.CreateDirectory(outDir);
            var (exit, output) = Dcmtk.Run("findscu", ["-aet", "FIND", "-aec", "Q", "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientName=DOE^*", "-k", "PatientID",
                "-X", "-od", outDir, "127.0.0.1", findScp.Port.ToString()]);
            Assert.True(exit == 0, output);
            var results = Directory.GetFiles(outDir).Select(f => DicomFile.Open(f)).ToList();
            Assert.Equal(2, results.Count);
            Assert.Equal(["1", "2"], results.Select(r => r.Dataset.GetString(DicomTags.PatientID)).Order());
            foreach (var r in results) r.Dispose();
        }
        finally
        {
            await findScp.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetScu_OurScp_ReturnsFilesElementForElement()
    {
        var files = new[] { "CT_small.dcm", "MR_small.dcm", "rtplan.dcm" }.Select(TestFiles.Sample).ToList();
        var retrieve = new FileRetrieveHandler(files, new Dictionary<string, DicomPeer>());
        var getScp = DicomListener.Start(new DicomListenerOptions { AeTitle = "Q", GetHandler = retrieve, Logger = log, TempDirectory = Path.Combine(dir, "tmp") });
        try
        {
            var outDir = Path.Combine(dir, "get");
            Directory.CreateDirectory(outDir);
            var (exit, output) = Dcmtk.Run("getscu", ["-aet", "GET", "-aec", "Q", "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=1",
                "-od", outDir, "127.0.0.1", getScp.Port.ToString()]);
            Assert.True(exit == 0, output);
            foreach (var f in files)
            {
                using var sent = DicomFile.Open(f);
                var uid = sent.Dataset.GetString(DicomTags.SOPInstanceUID)!;
                var gotPath = Directory.GetFiles(outDir).Single(p => Path.GetFileName(p).EndsWith(uid, StringComparison.Ordinal));
                using var got = DicomFile.Open(gotPath);
                AssertSame(sent.Dataset, got.Dataset);
            }
        }
        finally
        {
            await getScp.DisposeAsync();
        }
    }

    [Fact]
    public async Task MoveScu_OurScpAsSource_StoreScpReceivesElementForElement()
    {
        var files = new[] { "CT_small.dcm", "MR_small.dcm", "rtplan.dcm" }.Select(TestFiles.Sample).ToList();
        int storePort = Dcmtk.FreePort();
        var outDir = Path.Combine(dir, "moved");
        Directory.CreateDirectory(outDir);
        var storescp = Dcmtk.Start("storescp", ["-aet", "DEST", "-od", outDir, "-uf", storePort.ToString()]);
        try
        {
            Dcmtk.WaitForPort(storePort);
            var retrieve = new FileRetrieveHandler(files, new Dictionary<string, DicomPeer> { ["DEST"] = new("DEST", "127.0.0.1", storePort) });
            var moveScp = DicomListener.Start(new DicomListenerOptions { AeTitle = "Q", MoveHandler = retrieve, Logger = log, TempDirectory = Path.Combine(dir, "tmp") });
            try
            {
                var (exit, output) = Dcmtk.Run("movescu", ["-aet", "MOVE", "-aec", "Q", "-aem", "DEST", "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=1",
                    "127.0.0.1", moveScp.Port.ToString()]);
                Assert.True(exit == 0, output + string.Join("\n", log.Lines));
            }
            finally
            {
                await moveScp.DisposeAsync();
            }
            foreach (var f in files)
            {
                using var sent = DicomFile.Open(f);
                var uid = sent.Dataset.GetString(DicomTags.SOPInstanceUID)!;
                var gotPath = Directory.GetFiles(outDir).Single(p => Path.GetFileName(p).Contains(uid, StringComparison.Ordinal));
                using var got = DicomFile.Open(gotPath);
                AssertSame(sent.Dataset, got.Dataset);
            }
        }
        finally
        {
            Dcmtk.Kill(storescp);
        }
    }
}
