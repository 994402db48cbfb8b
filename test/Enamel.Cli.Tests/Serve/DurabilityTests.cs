using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Enamel.Dicom;

namespace Enamel.Cli.Tests.Serve;

/// <summary>
/// Issue 4 durability: `enamel serve` is killed with SIGKILL again and again while dcmtk's storescu sends; afterwards
/// every instance that storescu saw acknowledged is stored bit-exact, and no partial instance is ever visible.
/// </summary>
public sealed class DurabilityTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int Instances = 300;
    private const int Rounds = 8;
    private readonly string dir = Enamel.TempDir();

    [Fact]
    public async Task KillDashNineDuringStorescu_LosesNoAcknowledgedInstance_ExposesNoPartial()
    {
        var files = GenerateInstances(Path.Combine(dir, "source"));
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        var sensor = Enamel.Run("users", "add", "sensor", "--role", "hygienist", "--clinic", "main", "--data", data);
        Assert.True(sensor.ExitCode == 0, sensor.StdErr);
        var acknowledged = new HashSet<string>();
        var random = new Random(20261123);
        int killedMidTransfer = 0;

        for (int round = 0; round < Rounds; round++)
        {
            var pending = files.Where(f => !acknowledged.Contains(f)).ToList();
            if (pending.Count == 0) break;
            using var server = StartServer(data);
            await server.WaitUntilListeningAsync();
            var storescu = Process.Start(StoreScu(server.DicomPort, pending))!;
            var stdout = storescu.StandardOutput.ReadToEndAsync();
            var errors = storescu.StandardError.ReadToEndAsync();
            // Until a round has acknowledged something, each round waits longer before the kill: on a loaded machine the first
            // association (and the first patient's registration) can take longer than the whole window.
            await Task.Delay(random.Next(100, 1200) * (acknowledged.Count == 0 ? round + 1 : 1));
            await server.KillAsync(); // SIGKILL: no shutdown code runs
            if (!storescu.WaitForExit(60_000)) storescu.Kill();
            var log = await stdout + await errors;
            var acked = Acknowledged(log).ToList();
            if (acked.Count < pending.Count) killedMidTransfer++;
            foreach (var f in acked) acknowledged.Add(f);
            output.WriteLine($"round {round}: {pending.Count} pending, {acked.Count} acknowledged before SIGKILL");
        }

        Assert.NotEmpty(acknowledged);
        Assert.True(killedMidTransfer > 0, "no kill landed while storescu was still sending: the test proved nothing");
        // Restart cleanly: recovery runs, then every acknowledged instance must come back byte for byte.
        using var final = StartServer(data);
        await final.WaitUntilListeningAsync();
        using var http = final.Client(ReaderToken(data));
        var bySop = files.ToDictionary(SopInstanceUid);
        foreach (var f in acknowledged)
        {
            using var ds = DicomFile.Open(f);
            var url = $"/wado?requestType=WADO&studyUID={ds.Dataset.GetString(DicomTags.StudyInstanceUID)}&seriesUID={ds.Dataset.GetString(DicomTags.SeriesInstanceUID)}&objectUID={ds.Dataset.GetString(DicomTags.SOPInstanceUID)}";
            var bytes = await http.GetByteArrayAsync(url);
            var source = await File.ReadAllBytesAsync(f);
            Assert.True(Same(DatasetBytes(bytes), DatasetBytes(source)), $"{Path.GetFileName(f)} differs after the crashes");
        }
        // Whatever the index lists (acknowledged or not) is complete: no partial instance is exposed.
        var listing = await http.GetAsync("/dicom-web/instances?limit=1000");
        using var json = JsonDocument.Parse(await listing.Content.ReadAsStringAsync());
        foreach (var row in json.RootElement.EnumerateArray())
        {
            var sop = row.GetProperty("00080018").GetProperty("Value")[0].GetString()!;
            var study = row.GetProperty("0020000D").GetProperty("Value")[0].GetString()!;
            var series = row.GetProperty("0020000E").GetProperty("Value")[0].GetString()!;
            var bytes = await http.GetByteArrayAsync($"/wado?requestType=WADO&studyUID={study}&seriesUID={series}&objectUID={sop}");
            var source = await File.ReadAllBytesAsync(bySop[sop]);
            Assert.True(Same(DatasetBytes(bytes), DatasetBytes(source)), $"indexed instance {sop} is not the complete object");
        }
        await final.KillAsync();
    }

    /// <summary>A dentist account and a read-only API token made with the admin commands, as a clinic would.</summary>
    private static string ReaderToken(string data)
    {
        var user = Enamel.Run("users", "add", "checker", "--role", "dentist", "--clinic", "main", "--data", data);
        Assert.True(user.ExitCode == 0, user.StdErr);
        var token = Enamel.Run("tokens", "create", "--user", "checker", "--name", "durability", "--scope", "Imaging:Read", "--data", data);
        Assert.True(token.ExitCode == 0, token.StdErr);
        return token.StdOut.Trim();
    }

    private static ServeProcess StartServer(string data) =>
        // The sensor's AE acts as a hygienist account (an unmapped AE may not store: deny by default).
        ServeProcess.Start(data, new Dictionary<string, string> { ["Enamel__DicomAes__0__AeTitle"] = "SENSOR", ["Enamel__DicomAes__0__User"] = "sensor" });

    private static ProcessStartInfo StoreScu(int port, IEnumerable<string> files)
    {
        var psi = new ProcessStartInfo("/usr/bin/storescu") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "-aec", "ENAMEL", "-aet", "SENSOR", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        foreach (var f in files) psi.ArgumentList.Add(f);
        if (!File.Exists(psi.FileName)) throw new InvalidOperationException("storescu is not installed: apt-get install dcmtk");
        return psi;
    }

    /// <summary>Files storescu reports as stored: a "Sending file" line followed by a successful store response.</summary>
    private static IEnumerable<string> Acknowledged(string log)
    {
        string? current = null;
        foreach (var line in log.Split('\n'))
        {
            if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal)) current = line["I: Sending file: ".Length..].Trim();
            else if (line.StartsWith("I: Received Store Response (Success)", StringComparison.Ordinal) && current is not null)
            {
                yield return current;
                current = null;
            }
        }
    }

    private static string[] GenerateInstances(string folder)
    {
        Directory.CreateDirectory(folder);
        var study = DicomImplementation.NewUid();
        var series = DicomImplementation.NewUid();
        var rng = new Random(7);
        var paths = new string[Instances];
        for (int i = 0; i < Instances; i++)
        {
            var ds = new DicomDataset();
            ds.SetString(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.1.3");
            ds.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, DicomImplementation.NewUid());
            ds.SetString(DicomTags.Modality, DicomVR.CS, "IO");
            ds.SetString(DicomTags.PatientName, DicomVR.PN, "DURABILITY^TEST");
            ds.SetString(DicomTags.PatientID, DicomVR.LO, "DUR-1");
            ds.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, study);
            ds.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
            ds.SetString(DicomTags.InstanceNumber, DicomVR.IS, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            ds.SetUInt16(DicomTags.Rows, 600);
            ds.SetUInt16(DicomTags.Columns, 400);
            ds.SetUInt16(DicomTags.SamplesPerPixel, 1);
            ds.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
            ds.SetUInt16(DicomTags.BitsAllocated, 16);
            ds.SetUInt16(DicomTags.BitsStored, 12);
            ds.SetUInt16(DicomTags.HighBit, 11);
            ds.SetUInt16(DicomTags.PixelRepresentation, 0);
            var pixels = new byte[600 * 400 * 2];
            rng.NextBytes(pixels);
            for (int p = 1; p < pixels.Length; p += 2) pixels[p] &= 0x0F;
            ds.SetBytes(DicomTags.PixelData, DicomVR.OW, pixels);
            paths[i] = Path.Combine(folder, $"io{i:D3}.dcm");
            DicomFile.Create(ds, DicomTransferSyntax.ExplicitVRLittleEndian).Save(paths[i]);
        }
        return paths;
    }

    private static bool Same(byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b);

    /// <summary>The data set's bytes after the File Meta Information: over DIMSE the data set is what travels, and the archive writes its own meta header.</summary>
    private static byte[] DatasetBytes(byte[] part10)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, part10);
            var offset = global::Enamel.Dicom.Network.Part10Source.Read(path).DatasetOffset;
            return part10[(int)offset..];
        }
        finally { File.Delete(path); }
    }

    private static string SopInstanceUid(string path)
    {
        using var f = DicomFile.Open(path, DicomReadOptions.HeaderOnly);
        return f.Dataset.GetString(DicomTags.SOPInstanceUID)!;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
