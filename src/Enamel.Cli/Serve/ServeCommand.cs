using System.CommandLine;
using Enamel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Enamel.Cli.Serve;

/// <summary>`enamel serve`: runs the server on embedded defaults (SQLite, encrypted blob folder, generated key and certificate).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "data folder (default: ~/.local/share/enamel, or Enamel:DataDirectory)" };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTPS port (default 8443)" };
        var dicomPort = new Option<int?>("--dicom-port") { Description = "DIMSE port (default 11112; DICOM TLS unless --dicom-plain)" };
        var dicomPlain = new Option<bool>("--dicom-plain") { Description = "plain TCP on the DIMSE port, for modalities without TLS" };
        var noDicom = new Option<bool>("--no-dicom") { Description = "no DIMSE listener" };
        var listen = new Option<string?>("--listen") { Description = "address to listen on (default 0.0.0.0: all interfaces)" };
        var cmd = new Command("serve", "Run the Enamel server (HTTPS: DICOMweb, API; DIMSE)") { data, httpPort, dicomPort, dicomPlain, noDicom, listen };
        cmd.SetAction(async (parse, ct) =>
        {
            WebApplication app;
            try
            {
                app = await EnamelServer.BuildAsync([], o =>
                {
                    if (parse.GetValue(data) is { } d) o.DataDirectory = d;
                    if (parse.GetValue(httpPort) is { } h) o.HttpsPort = h;
                    if (parse.GetValue(dicomPort) is { } p) o.DicomPort = p;
                    if (parse.GetValue(dicomPlain)) o.DicomPlainText = true;
                    if (parse.GetValue(noDicom)) o.DicomEnabled = false;
                    if (parse.GetValue(listen) is { } l) o.ListenAddress = l;
                }, ct);
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"E: {ex.Message}");
                return ExitCodes.Usage;
            }
            var options = app.Services.GetService(typeof(EnamelOptions)) as EnamelOptions;
            Console.Error.WriteLine($"Enamel data folder: {options?.DataDirectory}");
            await Admin.FirstStart.RunAsync(app.Services.GetRequiredService<Core.Accounts.UserAccounts>(), ct);
            await app.StartAsync(ct);
            await app.WaitForShutdownAsync(ct);
            return ExitCodes.Success;
        });
        return cmd;
    }
}
