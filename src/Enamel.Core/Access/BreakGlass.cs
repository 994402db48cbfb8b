using System.Security.Cryptography;
using Enamel.Core.Audit;
using Enamel.Core.Records;

namespace Enamel.Core.Access;

/// <summary>
/// Requests emergency access to one patient outside the user's clinics: a stated reason is mandatory, the grant is
/// time-limited (default one hour, at most <see cref="MaxDuration"/>), audited, and queued for the privacy officer.
/// Only a user holding a clinical staff role can break the glass, and the grant never adds permissions. The user must be
/// present: an interactive sign-in (never an API token, which a script or a leaked secret could use) that has just proven
/// its second factor again (<see cref="SecondFactorProof"/>, at most <see cref="SecondFactorFreshness"/> old).
/// </summary>
public sealed class BreakGlass(IRoleCatalog roles, IUnitOfWork changes, TimeProvider time)
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(4);
    public const int MinReasonLength = 10;
    public static readonly TimeSpan SecondFactorFreshness = TimeSpan.FromMinutes(5);

    public async Task<BreakGlassResult> RequestAsync(Actor actor, SecondFactorProof? proof, long patientKey, string reason, TimeSpan? duration, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        string? refusal = null;
        reason = reason.Trim();
        var length = duration ?? DefaultDuration;
        if (actor.Disabled) refusal = "account-disabled";
        else if (actor.TokenScope is not null) refusal = "api-token";
        else if (proof is null || proof.UserId != actor.UserId || proof.Verified > now || now - proof.Verified > SecondFactorFreshness)
            refusal = "second-factor-required";
        else if (reason.Length < MinReasonLength) refusal = "reason-required";
        else if (length <= TimeSpan.Zero || length > MaxDuration) refusal = "duration-out-of-range";
        else if (!await HasClinicalRoleAsync(actor, ct)) refusal = "no-clinical-role";

        BreakGlassGrant? grant = null;
        // The grant and its audit entry commit together: no grant without its entry in the trail.
        await using var change = await changes.BeginAsync(ct);
        if (refusal is null)
        {
            grant = new BreakGlassGrant(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), actor.UserId, patientKey, reason, now, now + length);
            await change.BreakGlass.AddAsync(grant, ct);
        }
        await change.AuditAsync(new AuditEvent(now, actor.UserId, string.Join(',', actor.Roles), patientKey, AuditObject.BreakGlassGrant(null), AuditAction.BreakGlass,
            grant is null ? AuditOutcome.Denied : AuditOutcome.Success, PurposeCodes.Code(Purpose.Emergency), actor.Source)
        { Detail = grant is null ? refusal! : $"grant {grant.Id} until {AuditChain.FormatTime(grant.Expires)}; privacy officer review pending" }, ct);
        await change.CommitAsync(ct);
        return new BreakGlassResult(grant, refusal);
    }

    private async Task<bool> HasClinicalRoleAsync(Actor actor, CancellationToken ct)
    {
        foreach (var name in actor.Roles)
            if (await roles.FindAsync(name, ct) is { Reach: RoleReach.ClinicPatients }) return true;
        return false;
    }
}
