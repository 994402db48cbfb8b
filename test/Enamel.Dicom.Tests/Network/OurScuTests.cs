using Enamel.Dicom.Network;

namespace Enamel.Dicom.Tests.Network;

/// <summary>Our SCU against dcmtk's storescp and dcmqrscp on 127.0.0.1.</summary>
public sealed class OurScuTests : IDisposable
{
    private readonly string dir = TestFiles.NewTempDir();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static readonly string[] Natives = ["CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "reportsi.dcm", "liver_1frame.dcm"];

    [Fact]
    public async Task Send_ManyFilesToStoreScp_ElementForElement()
    {
        int port = Dcmtk.FreePort();
        var outDir = Path.Combine(dir, "storescp");
        Directory.CreateDirectory(outDir);
        // +B: write the data set bytes as received (bit-preserving), so what we sent is what lands on disk.
        var storescp = Dcmtk.Start("storescp", ["-aet", "STORESCP", "-od", outDir, "-uf", "+B", port.ToString()]);
        try
        {
            Dcmtk.WaitForPort(port);
            var sources = Natives.Select(n => Part10Source.Read(TestFiles.Sample(n))).ToList();
            var options = new DicomClientOptions { Port = port, CalledAeTitle = "STORESCP", CallingAeTitle = "ENAMEL" };
            await using var a = await DicomClient.ConnectAsync(options, DicomClient.ProposeStorage(sources));
            foreach (var s in sources) Assert.Equal(DimseStatus.Success, await a.StoreAsync(s));
            await a.ReleaseAsync();
        }
        finally
        {
            Dcmtk.Kill(storescp);
        }
        foreach (var n in Natives)
        {
            using var sent = DicomFile.Open(TestFiles.Sample(n));
            var uid = sent.Dataset.GetString(DicomTags.SOPInstanceUID)!;
            var path = Directory.GetFiles(outDir).Single(p => Path.GetFileName(p).Contains(uid, StringComparison.Ordinal));
            using var got = DicomFile.Open(path);
            DcmtkScuTests.AssertSame(sent.Dataset, got.Dataset);
        }
    }

    [Fact]
    public async Task Send_PeerRefusesFileSyntax_ReencodesNativeAndTranscodesCompressed()
    {
        // We propose only implicit VR little endian, so neither the big endian nor the RLE file can go as stored.
        var store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", StoreHandler = store, TempDirectory = Path.Combine(dir, "tmp") });
        foreach (var (name, reference) in new[] { ("MR_small_bigendian.dcm", "MR_small_bigendian.dcm"), ("MR_small_RLE.dcm", "MR_small.dcm"), ("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm") })
        {
            var source = Part10Source.Read(TestFiles.Sample(name));
            var rq = new AssociateRequest();
            rq.AddContext(source.SopClassUid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
            await using (var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP" }, rq))
            {
                Assert.Equal(DimseStatus.Success, await a.StoreAsync(source));
                await a.ReleaseAsync();
            }
            using var got = DicomFile.Open(store.Stored.Last());
            Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian.Uid, got.TransferSyntax.Uid);
            using var expected = DicomFile.Open(TestFiles.Sample(reference));
            // Lossless: the received native pixels equal the uncompressed original's.
            Assert.Equal(Enamel.Dicom.Imaging.DicomPixelData.Create(expected).GetFrame(0), Enamel.Dicom.Imaging.DicomPixelData.Create(got).GetFrame(0));
        }
    }

    [Fact]
    public async Task Send_PeerAcceptsOnlyAnUnproducibleSyntax_FailsClearly()
    {
        var store = new DirectoryStoreHandler(Path.Combine(dir, "in"));
        await using var scp = DicomListener.Start(new DicomListenerOptions { AeTitle = "SCP", StoreHandler = store, TempDirectory = Path.Combine(dir, "tmp") });
        var source = Part10Source.Read(TestFiles.Sample("MR_small.dcm"));
        var rq = new AssociateRequest();
        rq.AddContext(source.SopClassUid, "1.2.840.10008.1.2.4.100"); // MPEG2: no encoder
        await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "SCP" }, rq);
        var ex = await Assert.ThrowsAsync<DicomNetworkException>(() => a.StoreAsync(source));
        Assert.Contains("MR Image Storage", ex.Message);
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task FindMoveGet_AgainstDcmqrscp()
    {
        var files = new[] { "CT_small.dcm", "MR_small.dcm" }.Select(TestFiles.Sample).ToList();
        var db = Path.Combine(dir, "db");
        Directory.CreateDirectory(db);
        var received = new DirectoryStoreHandler(Path.Combine(dir, "moved"));
        await using var dest = DicomListener.Start(new DicomListenerOptions { AeTitle = "DEST", StoreHandler = received, TempDirectory = Path.Combine(dir, "tmp") });
        int port = Dcmtk.FreePort();
        var cfg = Path.Combine(dir, "dcmqrscp.cfg");
        File.WriteAllText(cfg, $"""
            NetworkTCPPort  = {port}
            MaxPDUSize      = 16384
            MaxAssociations = 16
            HostTable BEGIN
            dest = (DEST, 127.0.0.1, {dest.Port})
            enamel = (ENAMEL, 127.0.0.1, {dest.Port})
            HostTable END
            VendorTable BEGIN
            VendorTable END
            AETable BEGIN
            QR {db} RW (200, 1024mb) ANY
            AETable END
            """);
        var qr = Dcmtk.Start("dcmqrscp", ["-c", cfg, port.ToString()]);
        try
        {
            Dcmtk.WaitForPort(port);
            var options = new DicomClientOptions { Port = port, CalledAeTitle = "QR", CallingAeTitle = "ENAMEL" };
            var sources = files.Select(Part10Source.Read).ToList();
            await using (var s = await DicomClient.ConnectAsync(options, DicomClient.ProposeStorage(sources)))
            {
                foreach (var src in sources) Assert.Equal(DimseStatus.Success, await s.StoreAsync(src));
                await s.ReleaseAsync();
            }

            var study = DicomUids.StudyRootQueryRetrieveInformationModelFind.Value;
            var query = new DicomDataset();
            query.SetString(DicomTags.QueryRetrieveLevel, "STUDY");
            query.SetString(DicomTags.StudyInstanceUID, DicomVR.UI);
            query.SetString(DicomTags.PatientID, DicomVR.LO);
            var found = new List<DicomDataset>();
            await using (var f = await DicomClient.ConnectAsync(options, DicomClient.Propose(study)))
            {
                await foreach (var rsp in f.FindAsync(study, query))
                    if (rsp.IsPending) found.Add(rsp.Identifier!);
                    else Assert.Equal(DimseStatus.Success, rsp.Status);
                await f.ReleaseAsync();
            }
            var studies = files.Select(p => { using var d = DicomFile.Open(p); return d.Dataset.GetString(DicomTags.StudyInstanceUID)!; }).Distinct().Order().ToList();
            Assert.Equal(studies, found.Select(d => d.GetString(DicomTags.StudyInstanceUID)!).Order());

            var move = DicomUids.StudyRootQueryRetrieveInformationModelMove.Value;
            var retrieveKey = new DicomDataset();
            retrieveKey.SetString(DicomTags.QueryRetrieveLevel, "STUDY");
            retrieveKey.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, studies.ToArray());
            await using (var m = await DicomClient.ConnectAsync(options, DicomClient.Propose(move)))
            {
                DimseResponse? last = null;
                await foreach (var rsp in m.MoveAsync(move, "DEST", retrieveKey)) last = rsp;
                Assert.Equal(DimseStatus.Success, last!.Status);
                Assert.Equal(files.Count, last.Completed);
                await m.ReleaseAsync();
            }
            foreach (var f in files) DcmtkScuTests.AssertStored(f, Path.Combine(dir, "moved"));

            var get = DicomUids.StudyRootQueryRetrieveInformationModelGet.Value;
            var rq = DicomClient.Propose(get);
            foreach (var cls in sources.Select(s => s.SopClassUid).Distinct())
            {
                rq.AddContext(cls, DicomClient.NativeSyntaxes);
                rq.UserInformation.RoleSelections.Add(new RoleSelection(cls, false, true));
            }
            var gotDir = Path.Combine(dir, "got");
            Directory.CreateDirectory(gotDir);
            await using (var g = await DicomClient.ConnectAsync(options with { TempDirectory = Path.Combine(dir, "tmp") }, rq))
            {
                DimseResponse? last = null;
                await foreach (var rsp in g.GetAsync(get, retrieveKey, s =>
                {
                    File.Move(s.FilePath, Path.Combine(gotDir, s.SopInstanceUid + ".dcm"));
                    return ValueTask.FromResult(DimseStatus.Success);
                })) last = rsp;
                Assert.Equal(DimseStatus.Success, last!.Status);
                await g.ReleaseAsync();
            }
            foreach (var f in files) DcmtkScuTests.AssertStored(f, gotDir);
        }
        finally
        {
            Dcmtk.Kill(qr);
        }
    }
}
