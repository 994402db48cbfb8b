// C-STORE throughput over loopback, in one run:
//   our SCU -> our SCP,  dcmtk storescu -> our SCP,  dcmtk storescu -> dcmtk storescp.
// usage: dotnet run -c Release --project bench/Enamel.Bench.Network -- [count=200] [width=1300] [height=1000]
// The corpus is synthetic intra-oral images (Digital Intra-Oral X-Ray Image Storage - For Presentation,
// 16-bit, explicit VR little endian), about 2.6 MB each at the default size.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Enamel.Dicom;
using Enamel.Dicom.Network;

int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
int width = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1300;
int height = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var root = Path.Combine(Path.GetTempPath(), "enamel-bench-network-" + Environment.ProcessId);
var corpus = Path.Combine(root, "corpus");
Directory.CreateDirectory(corpus);
try
{
    var files = MakeCorpus(corpus, count, width, height);
    long bytes = files.Sum(f => new FileInfo(f).Length);
    Console.WriteLine($"corpus: {count} files, {bytes / 1e6:0.0} MB ({bytes / count / 1e6:0.00} MB each), {Environment.ProcessorCount} cores");
    Console.WriteLine($"{"scenario",-32} {"seconds",8} {"inst/s",8} {"MB/s",8}");

    await OursToOurs(files.Take(5).ToList(), Path.Combine(root, "warmup")); // JIT warm-up, not reported
    Report("enamel SCU -> enamel SCP", bytes, count, await OursToOurs(files, Path.Combine(root, "a")));
    Report("storescu -> enamel SCP", bytes, count, await StorescuToOurs(corpus, Path.Combine(root, "b")));
    Report("storescu -> storescp", bytes, count, StorescuToStorescp(corpus, Path.Combine(root, "c")));
}
finally
{
    Directory.Delete(root, recursive: true);
}

static void Report(string name, long bytes, int count, TimeSpan t) =>
    Console.WriteLine($"{name,-32} {t.TotalSeconds,8:0.00} {count / t.TotalSeconds,8:0.0} {bytes / 1e6 / t.TotalSeconds,8:0.0}");

static List<string> MakeCorpus(string dir, int count, int width, int height)
{
    var pixels = new byte[width * height * 2];
    new Random(42).NextBytes(pixels);
    for (int i = 1; i < pixels.Length; i += 2) pixels[i] &= 0x0F; // 12 bits stored
    var study = DicomImplementation.NewUid();
    var list = new List<string>(count);
    for (int i = 0; i < count; i++)
    {
        var ds = new DicomDataset();
        ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
        ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
        ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, study + ".1");
        ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
        ds.SetString(DicomTags.PatientName, DicomVR.PN, "BENCH^SYNTHETIC");
        ds.SetString(DicomTags.PatientID, DicomVR.LO, "BENCH");
        ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
        ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        ds.SetUInt16(DicomTags.Rows, (ushort)height);
        ds.SetUInt16(DicomTags.Columns, (ushort)width);
        ds.SetUInt16(DicomTags.BitsAllocated, 16);
        ds.SetUInt16(DicomTags.BitsStored, 12);
        ds.SetUInt16(DicomTags.HighBit, 11);
        ds.SetUInt16(DicomTags.PixelRepresentation, 0);
        ds.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels);
        var path = Path.Combine(dir, $"io{i:D5}.dcm");
        DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
        list.Add(path);
    }
    return list;
}

static DicomListener StartOurs(string outDir) =>
    DicomListener.Start(new DicomListenerOptions
    {
        AeTitle = "ENAMEL",
        StoreHandler = new MoveStore(outDir),
        TempDirectory = Path.Combine(outDir, ".incoming"),
    });

static async Task<TimeSpan> OursToOurs(List<string> files, string outDir)
{
    await using var scp = StartOurs(outDir);
    var sw = Stopwatch.StartNew();
    var sources = files.Select(Part10Source.Read).ToList();
    await using var a = await DicomClient.ConnectAsync(new DicomClientOptions { Port = scp.Port, CalledAeTitle = "ENAMEL" }, DicomClient.ProposeStorage(sources));
    foreach (var s in sources)
        if (await a.StoreAsync(s) != DimseStatus.Success) throw new InvalidOperationException("store failed");
    await a.ReleaseAsync();
    sw.Stop();
    Check(outDir, files.Count);
    return sw.Elapsed;
}

static async Task<TimeSpan> StorescuToOurs(string corpus, string outDir)
{
    await using var scp = StartOurs(outDir);
    var t = await Task.Run(() => Time("storescu", ["-aec", "ENAMEL", "+sd", "127.0.0.1", scp.Port.ToString(CultureInfo.InvariantCulture), corpus]));
    Check(outDir, Directory.GetFiles(corpus).Length);
    return t;
}

static TimeSpan StorescuToStorescp(string corpus, string outDir)
{
    Directory.CreateDirectory(outDir);
    int port = FreePort();
    var storescp = Process.Start(new ProcessStartInfo("storescp", ["-aet", "STORESCP", "-od", outDir, port.ToString(CultureInfo.InvariantCulture)]))!;
    try
    {
        WaitForPort(port);
        var t = Time("storescu", ["-aec", "STORESCP", "+sd", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), corpus]);
        Check(outDir, Directory.GetFiles(corpus).Length);
        return t;
    }
    finally
    {
        storescp.Kill();
        storescp.WaitForExit();
    }
}

static TimeSpan Time(string tool, string[] args)
{
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
    var err = p.StandardError.ReadToEndAsync();
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    sw.Stop();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {err.Result}");
    return sw.Elapsed;
}

static void Check(string dir, int expected)
{
    int n = Directory.GetFiles(dir).Length;
    if (n != expected) throw new InvalidOperationException($"{dir}: {n} files stored, expected {expected}");
}

static int FreePort()
{
    var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    int port = ((IPEndPoint)l.LocalEndpoint).Port;
    l.Stop();
    return port;
}

static void WaitForPort(int port)
{
    for (int i = 0; i < 100; i++)
    {
        try { using var c = new TcpClient("127.0.0.1", port); return; }
        catch (SocketException) { Thread.Sleep(100); }
    }
    throw new TimeoutException($"storescp did not listen on {port}");
}

sealed class MoveStore(string dir) : ICStoreHandler
{
    public ValueTask<ushort> StoreAsync(CStoreRequest request, CancellationToken ct)
    {
        File.Move(request.FilePath, Path.Combine(dir, request.SopInstanceUid + ".dcm"));
        return ValueTask.FromResult(DimseStatus.Success);
    }
}
