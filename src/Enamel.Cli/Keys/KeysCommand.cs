using System.CommandLine;
using Enamel.Core.Keys;

namespace Enamel.Cli.Keys;

/// <summary>`enamel keys rotate`: a new master key version re-wraps every per-patient data key; blobs are not rewritten.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var data = Admin.AdminContext.DataOption();
        var rotate = new Command("rotate", "Rotate the master key: re-wrap every data key under a new master key version, then retire the old one") { data, Admin.AdminContext.AsOption() };
        rotate.SetAction(async (parse, ct) =>
        {
            var ctx = await Admin.AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            // The verb decides, rotates and audits; a checkpoint that does not verify is a Conflict (exit code 10):
            // the new master key version is then in place and the old one kept.
            var r = await ctx.Get<RotateMasterKey>().ExecuteAsync(ctx.Actor, ctx.Options.Clinic, ct);
            Console.WriteLine($"master key version {r.FromVersion} -> {r.ToVersion}; {r.DataKeys} data key(s) re-wrapped, {r.MfaSecrets} MFA secret(s) re-sealed, {r.Checkpoints} audit checkpoint(s) re-signed; blobs untouched");
            return ExitCodes.Success;
        });
        var keys = new Command("keys", "Key management for the data folder") { rotate };
        return keys;
    }
}
