using System.CommandLine;
using Enamel.Dicom;
using Enamel.Dicom.Network;

namespace Enamel.Cli.Dicom;

internal static class SendCommand
{
    public static Command Create()
    {
        var net = new NetworkCliOptions();
        var files = new Argument<string[]>("FILE") { Description = "Part 10 files or directories to send", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("send", "C-STORE files over one association (like storescu), each in its own transfer syntax when accepted");
        net.AddTo(cmd);
        cmd.Arguments.Add(files);
        cmd.SetAction(p => NetworkCliOptions.Guard(async () =>
        {
            int rc = ExitCodes.Success;
            var sources = new List<Part10Source>();
            foreach (var path in Expand(p.GetValue(files)!))
            {
                try { sources.Add(Part10Source.Read(path)); }
                catch (Exception ex) when (ex is DicomFormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"E: {path}: {ex.Message}");
                    rc = ExitCodes.InputError;
                }
            }
            if (sources.Count == 0) return rc == ExitCodes.Success ? ExitCodes.Usage : rc;
            await using var a = await DicomClient.ConnectAsync(net.ToClient(p), DicomClient.ProposeStorage(sources));
            int ok = 0;
            foreach (var s in sources)
            {
                try
                {
                    var status = await a.StoreAsync(s);
                    if (DimseStatus.IsFailure(status)) { Console.Error.WriteLine($"E: {s.Name}: {DimseStatus.Describe(status)}"); rc = ExitCodes.NetworkError; }
                    else ok++;
                }
                catch (DicomNetworkException ex) when (ex is not DicomAbortException)
                {
                    Console.Error.WriteLine($"E: {s.Name}: {ex.Message}");
                    rc = ExitCodes.NetworkError;
                }
            }
            await a.ReleaseAsync();
            Console.WriteLine($"sent {ok} of {sources.Count} files");
            return rc;
        }));
        return cmd;
    }

    private static IEnumerable<string> Expand(IEnumerable<string> paths) =>
        paths.SelectMany<string, string>(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : [p]);
}
