using System.CommandLine;
using Enamel.Cli.Admin;
using Enamel.Core.Studies;

namespace Enamel.Cli.Verify;

/// <summary>
/// `enamel verify`: reads every stored instance back and checks it as ingest does (decrypts, authenticates, parses the
/// whole object, checks pixel data against the image's size). Prints one line per unreadable instance — its UIDs and
/// the defect, no patient data — and a total; exit 0 when all are sound, 3 when any is damaged, 8 when the only
/// unreadable ones are those whose data key was destroyed (disposed).
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
            VerifyArchive.Progress last = new(0, 0);
            bool defect = false;
            await foreach (var finding in ctx.Get<VerifyArchive>().RunAsync(p => last = p, ct))
            {
                defect |= finding.Kind != Core.Errors.ErrorKind.Gone;
                Console.WriteLine($"{(finding.Kind == Core.Errors.ErrorKind.Gone ? "DISPOSED" : "UNREADABLE")} study {finding.StudyInstanceUid} series {finding.SeriesInstanceUid} instance {finding.SopInstanceUid}: {finding.Reason}");
            }
            Console.WriteLine($"checked {last.Checked} instances: {last.Unreadable} unreadable");
            // A defect is exit 3; instances whose only trouble is a destroyed data key (disposal) are exit 8 (Gone).
            return last.Unreadable == 0 ? ExitCodes.Success : defect ? ExitCodes.Invalid : ExitCodes.Gone;
        });
        return cmd;
    }
}
