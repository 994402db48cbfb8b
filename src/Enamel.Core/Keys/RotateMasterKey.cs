using Enamel.Core.Access;
using Enamel.Core.Accounts;
using Enamel.Core.Audit;
using Enamel.Core.Errors;

namespace Enamel.Core.Keys;

/// <summary>What a master key rotation did.</summary>
public sealed record MasterKeyRotated(int FromVersion, int ToVersion, int DataKeys, int MfaSecrets, int Checkpoints);

/// <summary>
/// Rotates the master key (Settings:Amend): a new version re-wraps every per-patient data key (blobs are not rewritten),
/// MFA secrets sealed and audit checkpoints signed under keys derived from the old version move to the new one, and only
/// then the old versions are retired. A checkpoint that does not verify stops the rotation with the new version in place
/// and the old one kept (<see cref="ConflictException"/>): rotation must not launder a tampered log.
/// </summary>
public sealed class RotateMasterKey(IMasterKeyVault vault, IUserStore users, IAuditCheckpoints checkpoints, AccessPolicy policy, IAuditLog audit, TimeProvider time)
{
    public static readonly Operation Operation = new(RecordCategory.Settings, RecordAction.Amend);

    public async Task<MasterKeyRotated> ExecuteAsync(Actor actor, string clinic, CancellationToken ct)
    {
        var decision = await policy.DecideAsync(actor, Operation, ResourceScope.ForClinic(clinic, "master key"), Purpose.Operations, ct);
        if (!decision.Allowed) throw new ForbiddenException($"may not rotate the master key ({decision.Rule})");

        int before = vault.CurrentVersion;
        var oldProtector = new SecretProtector(vault.Versions());
        int dataKeys = await vault.AddVersionAndRewrapAsync(ct);
        var all = vault.Versions();
        var protector = new SecretProtector(all);
        var signer = new AuditCheckpointSigner(all);
        int resealed = 0;
        foreach (var user in await users.ListAsync(ct))
        {
            if (user.TotpSecret is not { Length: > 0 } sealedSecret) continue;
            var plain = oldProtector.Unprotect(sealedSecret);
            await users.UpdateAsync(user with { TotpSecret = protector.Protect(plain) }, ct);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
            resealed++;
        }
        int resigned = await checkpoints.ResignCheckpointsAsync(signer, signer, ct);

        // The change that matters (the old versions go) and its audit entry, together.
        vault.RetireOldVersions();
        var result = new MasterKeyRotated(before, vault.CurrentVersion, dataKeys, resealed, resigned);
        await audit.AppendAsync(new AuditEvent(time.GetUtcNow(), actor.UserId, decision.Role ?? "", null, "master key", "KeyRotate", AuditOutcome.Success, "", actor.Source)
        {
            Detail = $"version {result.FromVersion} -> {result.ToVersion}; {result.DataKeys} data keys re-wrapped, {result.MfaSecrets} MFA secrets re-sealed, {result.Checkpoints} checkpoints re-signed",
        }, ct);
        return result;
    }
}
