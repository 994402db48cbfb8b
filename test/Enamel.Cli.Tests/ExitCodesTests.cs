using System.Net;
using System.Net.Sockets;
using Enamel.Core.Keys;
using Enamel.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace Enamel.Cli.Tests;

/// <summary>
/// The exit codes no other test provokes, each through the real `enamel` process: 4 (cannot write output), 5 (network),
/// 8 (data key destroyed: Gone), 9 (corrupt stored data) and 10 (conflict with the current state) — the last two are
/// Core's error kinds escaping a command, mapped once by <see cref="ExitCodes.For"/>.
/// </summary>
public sealed class ExitCodesTests : IDisposable
{
    private const string CtStudy = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322"; // CT_small.dcm
    private readonly string dir = Enamel.TempDir();

    private string DataWithOneStudy(out string dentist)
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "dr-exit", "dentist");
        Enamel.ImportSample(data, dir, "CT_small.dcm", "dr-exit", "main");
        dentist = "dr-exit";
        return data;
    }

    private static Task<DataFolder> OpenAsync(string data) =>
        DataFolder.OpenExistingAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);

    [Fact]
    public async Task Verify_OnlyDisposedInstances_Exits8Gone()
    {
        var data = DataWithOneStudy(out _);
        var folder = await OpenAsync(data);
        var instance = Assert.Single(await folder.Index.ListInstancesAsync(CtStudy, null, null, default));
        await folder.Keyring.DestroyAsync(instance.DataKey, default);
        await Assert.ThrowsAsync<KeyDestroyedException>(() => folder.Keyring.UnwrapAsync(instance.DataKey, default));

        var r = Enamel.Run("verify", "--data", data);
        Assert.True(r.ExitCode == ExitCodes.Gone, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.Contains("DISPOSED", r.StdOut);
        Assert.Contains("checked 1 instances: 1 unreadable", r.StdOut);
    }

    [Fact]
    public async Task PatientsShow_PatientOfDestroyedKey_Exits8Gone()
    {
        var data = DataWithOneStudy(out var dentist);
        var folder = await OpenAsync(data);
        var instance = Assert.Single(await folder.Index.ListInstancesAsync(CtStudy, null, null, default));
        var patient = (await folder.Index.FindStudyPatientAsync(CtStudy, default))!;
        await folder.Keyring.DestroyAsync(instance.DataKey, default);
        SqliteConnection.ClearAllPools();

        var r = Enamel.Run("patients", "show", patient.PatientKey.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data, "--as", dentist);
        Assert.True(r.ExitCode == ExitCodes.Gone, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.StartsWith("E: ", r.StdErr);
    }

    [Fact]
    public async Task PatientsShow_SealedRecordAltered_Exits9Corrupt()
    {
        var data = DataWithOneStudy(out var dentist);
        var folder = await OpenAsync(data);
        var key = (await folder.Index.FindStudyPatientAsync(CtStudy, default))!.PatientKey;
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(data, "index.db")}"))
        {
            c.Open();
            using var read = c.CreateCommand();
            read.CommandText = "SELECT sealed FROM patients WHERE pk = $pk";
            read.Parameters.AddWithValue("$pk", key);
            var sealedText = (string)read.ExecuteScalar()!;
            var bytes = Convert.FromBase64String(sealedText);
            bytes[^1] ^= 0x01; // one bit of the GCM tag
            using var write = c.CreateCommand();
            write.CommandText = "UPDATE patients SET sealed = $s WHERE pk = $pk";
            write.Parameters.AddWithValue("$s", Convert.ToBase64String(bytes));
            write.Parameters.AddWithValue("$pk", key);
            Assert.Equal(1, write.ExecuteNonQuery());
        }
        SqliteConnection.ClearAllPools();

        var r = Enamel.Run("patients", "show", key.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data, "--as", dentist);
        Assert.True(r.ExitCode == ExitCodes.Corrupt, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.Contains("sealed field failed authentication", r.StdErr);
    }

    [Fact]
    public void KeysRotate_CheckpointThatDoesNotVerify_Exits10Conflict()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        using (var c = new SqliteConnection($"Data Source={Path.Combine(data, "index.db")}"))
        {
            c.Open();
            using var forge = c.CreateCommand();
            forge.CommandText = "INSERT INTO audit_checkpoints (seq, hash, created, key_version, signature) VALUES (999999, $h, $t, 1, $s)";
            forge.Parameters.AddWithValue("$h", new string('a', 64));
            forge.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            forge.Parameters.AddWithValue("$s", new string('b', 64));
            forge.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        var r = Enamel.Run("keys", "rotate", "--data", data);
        Assert.True(r.ExitCode == ExitCodes.Conflict, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.Contains("does not verify", r.StdErr);
    }

    [Fact]
    public void DicomEcho_NobodyListening_Exits5Network()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        } // closed again: connecting is refused
        var r = Enamel.Run("dicom", "echo", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == ExitCodes.NetworkError, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.StartsWith("E: ", r.StdErr);
    }

    [Fact]
    public void DicomTranscode_OutputFolderMissing_Exits4Output()
    {
        var output = Path.Combine(dir, "no-such-folder", "out.dcm");
        var r = Enamel.Run("dicom", "transcode", Enamel.Sample("CT_small.dcm"), "-t", "explicit", "-o", output);
        Assert.True(r.ExitCode == ExitCodes.OutputError, $"exit {r.ExitCode}: {r.StdOut}{r.StdErr}");
        Assert.False(File.Exists(output));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
