using System.CommandLine;
using Enamel.Cli.Admin;
using Enamel.Core.Studies;

namespace Enamel.Cli.Verify;

/// <summary>
/// `enamel verify`: reads every stored instance back and checks it as ingest does (decrypts, authenticates, parses the
/// whole object, checks pixel data against the image's size). Prints one line per unreadable instance — its UIDs and
/// the defect, no patient data — and a total; exit 0 when all are sound, 3 when any is not.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var data = AdminContext.DataOption();
        var cmd = new Command("verify", "Check that every stored instance can be read whole; list those that cannot (exit 3)") { data, AdminContext.AsOption() };
        cmd.SetAction(async (parse, ct) =>
        {
            var ctx = await AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var verify = new VerifyArchive(ctx.Folder.Index, ctx.Folder.Blobs, ctx.Options.IngestLimits());
            VerifyArchive.Progress last = new(0, 0);
            await foreach (var finding in verify.RunAsync(p => last = p, ct))
                Console.WriteLine($"UNREADABLE study {finding.StudyInstanceUid} series {finding.SeriesInstanceUid} instance {finding.SopInstanceUid}: {finding.Reason}");
            Console.WriteLine($"checked {last.Checked} instances: {last.Unreadable} unreadable");
            return last.Unreadable == 0 ? ExitCodes.Success : ExitCodes.Invalid;
        });
        return cmd;
    }
}
