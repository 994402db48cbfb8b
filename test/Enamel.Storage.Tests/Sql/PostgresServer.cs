using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Enamel.Storage.Tests.Sql;

/// <summary>
/// A real PostgreSQL 15 server for the test run: initdb into a temp folder, started on a free 127.0.0.1 port,
/// stopped and removed at the end. initdb refuses root, so as root it runs as the postgres user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string dataDir;
    private readonly string binDir;

    public PostgresServer()
    {
        binDir = new[] { "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin" }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries are missing: apt-get install postgresql (see .ci/run)");
        dataDir = Path.Combine(Path.GetTempPath(), "enamel-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        Port = FreePort();
        bool root = Environment.UserName == "root";
        if (root) Run("chown", ["postgres:postgres", dataDir]);
        RunAs(root, "initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        RunAs(root, "pg_ctl", ["-D", dataDir, "-w", "-t", "60", "-l", Path.Combine(dataDir, "server.log"), "-o",
            // Every test class opens its own database, each with its own pool: room for them all, and idle pooled connections
            // closed after a few seconds, or the run ends with "too many clients already".
            $"-p {Port} -k {dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400", "start"]);
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Connection Idle Lifetime=5;Connection Pruning Interval=1";
    }

    public int Port { get; }
    public string ConnectionString { get; }

    /// <summary>A new empty database for one test class.</summary>
    public string CreateDatabase()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        using var c = new Npgsql.NpgsqlConnection(ConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"CREATE DATABASE {name}";
        cmd.ExecuteNonQuery();
        return ConnectionString.Replace("Database=postgres", "Database=" + name, StringComparison.Ordinal);
    }

    private void RunAs(bool root, string tool, string[] args)
    {
        var exe = Path.Combine(binDir, tool);
        if (root) Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string exe, string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{exe} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { RunAs(Environment.UserName == "root", "pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]); }
        finally { Directory.Delete(dataDir, recursive: true); }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
