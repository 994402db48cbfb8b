using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class GetCommand
{
    /// <summary>Storage classes proposed (with SCP role) for C-GET when the user names none.</summary>
    private static readonly string[] DefaultStorageClasses =
    [
        "1.2.840.10008.5.1.4.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.3", "1.2.840.10008.5.1.4.1.1.2",
        "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.5.1.4.1.1.6.1", "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.12.1",
        "1.2.840.10008.5.1.4.1.1.13.1.3", "1.2.840.10008.5.1.4.1.1.77.1.5.1", "1.2.840.10008.5.1.4.1.1.88.11", "1.2.840.10008.5.1.4.1.1.88.22",
        "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.481.5", "1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.66.4",
    ];

    public static Command Create()
    {
        var net = new NetworkCliOptions();
        var query = new QueryCliOptions();
        var outDir = new Option<string>("-od", "--output-directory") { Description = "where retrieved files are written", DefaultValueFactory = _ => "." };
        var classes = new Option<string[]>("--sop-class") { Description = "storage SOP class UIDs to accept (default: common image classes)" };
        var cmd = new Command("get", "C-GET (like getscu): matches come back on the same association into -od");
        net.AddTo(cmd);
        query.AddTo(cmd);
        cmd.Options.Add(outDir);
        cmd.Options.Add(classes);
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            var sopClass = query.SopClass(p, "get");
            var dir = p.GetValue(outDir)!;
            Directory.CreateDirectory(dir);
            var rq = DicomClient.Propose(sopClass);
            var storage = p.GetValue(classes) is { Length: > 0 } c ? c : DefaultStorageClasses;
            foreach (var cls in storage)
            {
                rq.AddContext(cls, [.. DicomClient.NativeSyntaxes, .. DicomTransferSyntax.All.Where(t => t.IsEncapsulated).Select(t => t.Uid)]);
                rq.UserInformation.RoleSelections.Add(new RoleSelection(cls, ScuRole: false, ScpRole: true));
            }
            var client = net.ToClient(p) with { TempDirectory = Path.Combine(dir, ".incoming") };
            await using var a = await DicomClient.ConnectAsync(client, rq);
            int received = 0;
            DimseResponse? last = null;
            await foreach (var rsp in a.GetAsync(sopClass, query.Identifier(p), s =>
            {
                File.Move(s.FilePath, Path.Combine(dir, SafeName(s.SopInstanceUid) + ".dcm"), overwrite: true);
                received++;
                return ValueTask.FromResult(DimseStatus.Success);
            })) last = rsp;
            await a.ReleaseAsync();
            Console.WriteLine($"C-GET: {DimseStatus.Describe(last!.Status)}: received {received}, failed {last.Failed}");
            return last.Status == DimseStatus.Success ? ExitCodes.Success : ExitCodes.NetworkError;
        }));
        return cmd;
    }

    /// <summary>A UID as a file name: digits and dots only, so a hostile peer cannot choose a path.</summary>
    internal static string SafeName(string uid) =>
        uid.Length > 0 && uid.Length <= 64 && uid.All(ch => char.IsAsciiDigit(ch) || ch == '.') && !uid.StartsWith('.') ? uid : Guid.NewGuid().ToString("N");
}
