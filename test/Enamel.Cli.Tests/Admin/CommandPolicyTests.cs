using System.CommandLine;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Server.Hosting;

namespace Enamel.Cli.Tests.Admin;

/// <summary>
/// The CLI through the one policy decision point: every command is in <see cref="CommandPolicy"/>, every command that
/// opens the data folder is decided for the account it acts as (--as) or for the console operator, and the answer for
/// each built-in role is the one the role table gives.
/// </summary>
public sealed class CommandPolicyTests : IDisposable
{
    private readonly string dir = Enamel.TempDir();

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string prefix = "")
    {
        foreach (var sub in command.Subcommands)
        {
            var path = prefix.Length == 0 ? sub.Name : prefix + " " + sub.Name;
            if (sub.Subcommands.Count == 0) yield return (path, sub);
            else foreach (var leaf in Leaves(sub, path)) yield return leaf;
        }
    }

    [Fact]
    public void EveryCommand_IsInThePolicyTable_AndEveryDataFolderCommandIsDecided()
    {
        var leaves = Leaves(EnamelCommands.Create()).ToList();
        Assert.True(leaves.Count >= 25, $"only {leaves.Count} commands found");
        foreach (var (path, command) in leaves)
        {
            Assert.True(CommandPolicy.Operations.TryGetValue(path, out var operation), $"'enamel {path}' is not in CommandPolicy.Operations");
            bool opensDataFolder = command.Options.Any(o => o.Name == "--data");
            if (path == "serve") continue; // the server decides each request itself
            Assert.True(opensDataFolder == operation is not null, $"'enamel {path}': opens the data folder = {opensDataFolder}, but its policy operation is {operation?.ToString() ?? "none"}");
            if (opensDataFolder) Assert.Contains(command.Options, o => o.Name == "--as");
        }
        Assert.Empty(CommandPolicy.Operations.Keys.Except(leaves.Select(l => l.Path)));
    }

    /// <summary>A harmless invocation of each data-folder command: targets that do not exist, so an allowed run fails on input at worst.</summary>
    private static string[] Invocation(string path, string data, string tag) => path switch
    {
        "import" => ["import", Enamel.Sample("CT_small.dcm"), "--report", Path.Combine(data, "..", $"report-{tag}.tsv")],
        "users add" => ["users", "add", $"new-{tag}", "--role", "billing", "--clinic", "main"],
        "patients move" => ["patients", "move", "NO-SUCH-PATIENT", "--to", "main"],
        "users disable" => ["users", "disable", "nobody"],
        "users reset-mfa" => ["users", "reset-mfa", "nobody"],
        "roles show" => ["roles", "show", "dentist"],
        "roles add" => ["roles", "add", $"custom-{tag}", "--permission", "Imaging:Read"],
        "tokens create" => ["tokens", "create", "--user", "nobody", "--name", "x", "--scope", "Imaging:Read"],
        "tokens list" => ["tokens", "list", "--user", "nobody"],
        "tokens revoke" => ["tokens", "revoke", "0000000000000000"],
        "audit export" => ["audit", "export", "--from", "999999999"],
        "records history" => ["records", "history", "instance", "9.9.9.9"],
        "records entries list" => ["records", "entries", "list", "999999"],
        "records entries show" => ["records", "entries", "show", "condition", "0123456789abcdef0123456789abcdef"],
        "patients add" => ["patients", "add", "--family", "Chan", "--given", "Tai Man", "--chart", $"CLI-{tag}"],
        "patients show" => ["patients", "show", "999999"],
        "patients search" => ["patients", "search", "chan"],
        "patients merge" => ["patients", "merge", "999998", "999999", "--reason", "duplicate"],
        _ => path.Split(' '),
    };

    [Fact]
    public async Task EveryDataFolderCommand_AnswersEachRole_AsTheRoleTableSays()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        foreach (var role in RoleTable.BuiltIn.Keys) Assert.Equal(0, await RunAsync(["users", "add", "cli-" + role, "--role", role, "--clinic", "main", "--data", data]));
        var commands = CommandPolicy.Operations.Where(c => c.Value is not null).ToList();
        foreach (var role in RoleTable.BuiltIn.Values)
            foreach (var (path, operation) in commands)
            {
                if (path == "keys rotate" && role.Name != RoleTable.Admin) continue; // rotation is slow: the admin and a denied role below cover it
                int code = await RunAsync([.. Invocation(path, data, role.Name), "--data", data, "--as", "cli-" + role.Name]);
                bool expected = role.Permits(operation!.Value) && role.Reach is RoleReach.ClinicPatients or RoleReach.ClinicOnly;
                Assert.True(expected ? code != ExitCodes.NotAuthorized : code == ExitCodes.NotAuthorized,
                    $"enamel {path} --as {role.Name} ({operation}) exited {code}; the role table says {(expected ? "allow" : "deny")}");
            }
        Assert.Equal(ExitCodes.NotAuthorized, await RunAsync(["keys", "rotate", "--data", data, "--as", "cli-" + RoleTable.Dentist]));
        Assert.Equal(ExitCodes.NotAuthorized, await RunAsync(["users", "list", "--data", data, "--as", "nobody"]));

        // Every decision is in the audit trail under the account, with the console user as its source, and the chain verifies.
        var folder = await DataFolder.OpenOrCreateAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var receptionist = await folder.Security.Users.FindByNameAsync("cli-receptionist", default);
        var entries = new List<AuditRecord>();
        await foreach (var r in folder.Security.Audit.ReadAsync(0, default)) entries.Add(r);
        Assert.Contains(entries, e => e.Event.ActorId == receptionist!.Id && e.Event.Object == "Imaging cli import" && e.Event.Outcome == AuditOutcome.Denied
            && e.Event.Source.StartsWith("console:", StringComparison.Ordinal));
        Assert.Equal(0, await RunAsync(["audit", "verify", "--data", data]));
    }

    [Fact]
    public void Import_IsAnAccountsAct_DeniedForConsoleReceptionistAndPatient_AllowedForDentist()
    {
        var data = Path.Combine(dir, "data");
        Enamel.AddUser(data, "front", "receptionist");
        Enamel.AddUser(data, "patient-a", "patient");
        Enamel.AddUser(data, "dr-a", "dentist");
        string[] Import(params string[] extra) => ["import", Enamel.Sample("CT_small.dcm"), "--data", data, "--report", Path.Combine(dir, "r.tsv"), .. extra];

        var console = Enamel.Run(Import());
        Assert.Equal(ExitCodes.NotAuthorized, console.ExitCode);
        Assert.Contains("use --as USER", console.StdErr);
        foreach (var who in new[] { "front", "patient-a", "nobody" })
        {
            var denied = Enamel.Run(Import("--as", who));
            Assert.True(denied.ExitCode == ExitCodes.NotAuthorized, $"--as {who}: {denied.ExitCode} {denied.StdErr}");
        }
        Assert.False(Directory.Exists(Path.Combine(data, "store", "blobs")) && Directory.EnumerateFiles(Path.Combine(data, "store", "blobs"), "*", SearchOption.AllDirectories).Any(),
            "a refused import stored something");

        var allowed = Enamel.Run(Import("--as", "dr-a"));
        Assert.True(allowed.ExitCode == 0, allowed.StdErr + allowed.StdOut);
        Assert.Contains("imported: 1", allowed.StdOut);
    }

    [Fact]
    public async Task RolesAdd_DefinesACustomRole_ThatUsersCanHold_AndBuiltInsCannotBeRedefined()
    {
        var data = Path.Combine(dir, "data");
        Enamel.Init(data);
        Assert.Equal(0, await RunAsync(["roles", "add", "imaging-viewer", "--permission", "Imaging:Read", "Referrals:Read", "--description", "reads images only", "--data", data]));
        Assert.Equal(ExitCodes.Invalid, await RunAsync(["roles", "add", "dentist", "--permission", "Imaging:Read", "--data", data]));
        Assert.Equal(ExitCodes.Usage, await RunAsync(["roles", "add", "bad", "--permission", "Imaging:Fly", "--data", data]));
        Assert.Equal(ExitCodes.Usage, await RunAsync(["roles", "add", "bad", "--permission", "Imaging:Read", "--reach", "own-record", "--data", data]));
        Assert.Equal(0, await RunAsync(["users", "add", "viewer", "--role", "imaging-viewer", "--clinic", "main", "--data", data]));
        var folder = await DataFolder.OpenOrCreateAsync(new EnamelOptions { DataDirectory = data }, TimeProvider.System, default);
        var role = await folder.Security.Roles.FindAsync("imaging-viewer", default);
        Assert.NotNull(role);
        Assert.True(role.Permits(Operation.Parse("Imaging:Read")));
        Assert.False(role.Permits(Operation.Parse("Imaging:Create")));
        // The custom role decides like a built-in one: the viewer may not import.
        Assert.Equal(ExitCodes.NotAuthorized, await RunAsync(["import", Enamel.Sample("CT_small.dcm"), "--data", data, "--as", "viewer", "--report", Path.Combine(dir, "r.tsv")]));
    }

    private static Task<int> RunAsync(string[] args) => EnamelCommands.Create().Parse(args).InvokeAsync();

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
