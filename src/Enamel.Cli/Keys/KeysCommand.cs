using System.CommandLine;
using Enamel.Server.Hosting;

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
            var options = EnamelOptions.Load(o => { if (parse.GetValue(data) is { } d) o.DataDirectory = d; });
            if (!File.Exists(Path.Combine(Path.GetFullPath(options.DataDirectory), "master.key")))
            {
                Console.Error.WriteLine($"E: {options.DataDirectory} has no master.key: not an Enamel data folder");
                return ExitCodes.InputError;
            }
            var ctx = await Admin.AdminContext.OpenAsync(parse, ct);
            if (ctx is null) return ExitCodes.NotAuthorized;
            var folder = ctx.Folder;
            int before = folder.Master.CurrentVersion;
            var oldProtector = folder.Secrets;
            // 1. A new master key version wraps every data key (blobs are untouched).
            int count = await folder.Keyring.RotateMasterKeyAsync(ct, retire: false);
            var all = folder.Master.Versions.ToDictionary(v => v, folder.Master.Get);
            var protector = new Enamel.Core.Accounts.SecretProtector(all);
            var signer = new Enamel.Core.Audit.AuditCheckpointSigner(all);
            // 2. Secrets sealed and checkpoints signed under keys derived from the old version move to the new one.
            int resealed = 0;
            foreach (var user in await folder.Security.Users.ListAsync(ct))
            {
                if (user.TotpSecret is not { Length: > 0 } sealedSecret) continue;
                var plain = oldProtector.Unprotect(sealedSecret);
                await folder.Security.Users.UpdateAsync(user with { TotpSecret = protector.Protect(plain) }, ct);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
                resealed++;
            }
            int resigned;
            try { resigned = await folder.Security.Audit.ResignCheckpointsAsync(signer, signer, ct); }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"E: {ex.Message}; the new master key version is in place but the old one is kept");
                return ExitCodes.Invalid;
            }
            // 3. Only now the old versions go.
            folder.Master.Retire(TimeProvider.System);
            await folder.Security.Audit.AppendAsync(new Enamel.Core.Audit.AuditEvent(DateTimeOffset.UtcNow, ctx.ActorId, "", null, Enamel.Core.Audit.AuditObject.MasterKey, Enamel.Core.Audit.AuditAction.KeyRotate,
                Enamel.Core.Audit.AuditOutcome.Success, "", ctx.Actor.Source)
            { Detail = $"version {before} -> {folder.Master.CurrentVersion}; {count} data keys re-wrapped, {resealed} MFA secrets re-sealed, {resigned} checkpoints re-signed" }, ct);
            Console.WriteLine($"master key version {before} -> {folder.Master.CurrentVersion}; {count} data key(s) re-wrapped, {resealed} MFA secret(s) re-sealed, {resigned} audit checkpoint(s) re-signed; blobs untouched");
            return ExitCodes.Success;
        });
        var keys = new Command("keys", "Key management for the data folder") { rotate };
        return keys;
    }
}
