using System.CommandLine;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class MoveCommand
{
    public static Command Create()
    {
        var net = new NetworkCliOptions();
        var query = new QueryCliOptions();
        var dest = new Option<string>("--dest", "-aem") { Description = "move destination AE title", Required = true };
        var cmd = new Command("move", "C-MOVE (like movescu): the peer sends the matches to --dest");
        net.AddTo(cmd);
        query.AddTo(cmd);
        cmd.Options.Add(dest);
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            var sopClass = query.SopClass(p, "move");
            await using var a = await DicomClient.ConnectAsync(net.ToClient(p), DicomClient.Propose(sopClass));
            DimseResponse? last = null;
            await foreach (var rsp in a.MoveAsync(sopClass, p.GetValue(dest)!, query.Identifier(p))) last = rsp;
            await a.ReleaseAsync();
            Console.WriteLine($"C-MOVE: {DimseStatus.Describe(last!.Status)}: completed {last.Completed}, failed {last.Failed}, warning {last.Warning}");
            return last.Status == DimseStatus.Success ? ExitCodes.Success : ExitCodes.NetworkError;
        }));
        return cmd;
    }
}
