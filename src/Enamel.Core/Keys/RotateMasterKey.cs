using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Errors;
using Enamel.Core.Records;

namespace Enamel.Core.Keys;

/// <summary>What a master key rotation did.</summary>
public sealed record MasterKeyRotated(int FromVersion, int ToVersion, int DataKeys, int MfaSecrets, int Checkpoints);

/// <summary>
/// Rotates the master key (Settings:Amend): a new version re-wraps every per-patient data key (blobs are not rewritten),
/// MFA secrets sealed and audit checkpoints signed under keys derived from the old version move to the new one, and only
/// then the old versions are retired. A checkpoint that does not verify stops the rotation with the new version in place
/// and the old one kept (<see cref="ConflictException"/>): rotation must not launder a tampered log.
/// </summary>
/// <remarks>
/// The order, so that a crash at any point leaves a vault that opens and reads everything (docs/security.md):
/// <list type="number">
/// <item>The key file gains the new version (written beside it, fsynced, renamed over it, folder fsynced): old and new
/// both in it. Then every data key file is re-wrapped under the new version the same way (and its folder fsynced). A
/// crash here leaves each data key under the old or the new version, and the file holds both.</item>
/// <item>One database change: the MFA secrets re-sealed under the new version, the audit entry, every checkpoint
/// re-signed under the new version (the entry itself may have added one, signed under the old) — committed together. A
/// crash before the commit leaves the database as it was, under versions the file still holds.</item>
/// <item>Only after the commit, the old versions leave the file (the same write, fsync, rename, fsync). A crash before
/// leaves an old version in the file that nothing depends on any more; the next rotation retires it.</item>
/// </list>
/// </remarks>
public sealed class RotateMasterKey(IMasterKeyVault vault, IUserStore users, AccessPolicy policy, IUnitOfWork changes, TimeProvider time)
{
    public static readonly Operation Operation = new(RecordCategory.Settings, RecordAction.Amend);

    public async Task<MasterKeyRotated> ExecuteAsync(Actor actor, string clinic, CancellationToken ct)
    {
        var decision = await policy.DecideAsync(actor, Operation, ResourceScope.ForClinic(clinic, "master key"), Purpose.Operations, ct);
        if (!decision.Allowed) throw new ForbiddenException($"may not rotate the master key ({decision.Rule})");

        int before = vault.CurrentVersion;
        var oldProtector = new SecretProtector(vault.Versions());
        // 1. The new version in the key file (durably), then every data key re-wrapped under it.
        int dataKeys = await vault.AddVersionAndRewrapAsync(ct);
        var all = vault.Versions();
        var protector = new SecretProtector(all);
        var signer = new AuditCheckpointSigner(all);

        // 2. What the database holds under the old version, and the audit entry: one change.
        MasterKeyRotated result;
        await using (var change = await changes.BeginAsync(ct))
        {
            int resealed = 0;
            foreach (var user in await users.ListAsync(ct))
            {
                if (user.TotpSecret is not { Length: > 0 } sealedSecret) continue;
                var plain = oldProtector.Unprotect(sealedSecret);
                await change.Users.UpdateAsync(user with { TotpSecret = protector.Protect(plain) }, ct);
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
                resealed++;
            }
            int resigned = await change.Checkpoints.ResignCheckpointsAsync(signer, signer, ct);
            result = new MasterKeyRotated(before, vault.CurrentVersion, dataKeys, resealed, resigned);
            await change.AuditAsync(new AuditEvent(time.GetUtcNow(), actor.UserId, decision.Role ?? "", null, AuditObject.MasterKey, AuditAction.KeyRotate,
                AuditOutcome.Success, "", actor.Source)
            {
                Detail = $"version {result.FromVersion} -> {result.ToVersion}; {result.DataKeys} data keys re-wrapped, {result.MfaSecrets} MFA secrets re-sealed, "
                    + $"{result.Checkpoints} checkpoints re-signed; older versions retired once this commits",
            }, ct);
            // The entry may have reached a checkpoint, signed by the log under the old version: sign it (and all) again under the new.
            await change.Checkpoints.ResignCheckpointsAsync(signer, signer, ct);
            await change.CommitAsync(ct);
        }

        // 3. Nothing depends on the old versions any more: they leave the key file.
        vault.RetireOldVersions();
        return result;
    }
}
