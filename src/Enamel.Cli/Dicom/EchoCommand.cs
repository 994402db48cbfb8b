using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class EchoCommand
{
    public static Command Create()
    {
        var net = new NetworkCliOptions();
        var cmd = new Command("echo", "C-ECHO a DICOM peer (like echoscu)");
        net.AddTo(cmd);
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            await using var a = await DicomClient.ConnectAsync(net.ToClient(p), DicomClient.Propose(DicomUids.Verification.Value));
            var status = await a.EchoAsync();
            await a.ReleaseAsync();
            Console.WriteLine($"C-ECHO: {DimseStatus.Describe(status)}");
            return status == DimseStatus.Success ? ExitCodes.Success : ExitCodes.NetworkError;
        }));
        return cmd;
    }
}
