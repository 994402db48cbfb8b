using Enamel.Core.Audit;
using Enamel.Core.Errors;

namespace Enamel.Core.Access;

/// <summary>
/// The privacy officer's review of a break-glass grant (Audit:Read: reviewing appends to the trail, it changes nothing in
/// it). Nobody reviews their own grant. The review is recorded under the patient the grant opened.
/// </summary>
public sealed class ReviewBreakGlass(IBreakGlassStore grants, AccessPolicy policy, IAuditLog audit, TimeProvider time)
{
    public static readonly Operation Operation = new(RecordCategory.Audit, RecordAction.Read);

    /// <summary>The grants not yet reviewed (decided as <see cref="Operation"/>).</summary>
    public async Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(Actor reviewer, string clinic, CancellationToken ct)
    {
        await DemandAsync(reviewer, clinic, "break-glass grants", ct);
        return await grants.ListUnreviewedAsync(ct);
    }

    /// <summary>Raises <see cref="NotFoundException"/> for no unreviewed grant with this id, <see cref="ForbiddenException"/> for one's own grant or when the policy refuses.</summary>
    public async Task<BreakGlassGrant> ExecuteAsync(Actor reviewer, string clinic, string grantId, CancellationToken ct)
    {
        await DemandAsync(reviewer, clinic, $"break-glass grant {grantId}", ct);
        var grant = (await grants.ListUnreviewedAsync(ct)).FirstOrDefault(g => g.Id == grantId)
            ?? throw new NotFoundException("no unreviewed break-glass grant with this id");
        if (grant.UserId == reviewer.UserId) throw new ForbiddenException("nobody reviews their own break-glass grant");
        // The change and its audit entry, together.
        await grants.MarkReviewedAsync(grantId, reviewer.UserId, ct);
        await audit.AppendAsync(new AuditEvent(time.GetUtcNow(), reviewer.UserId, string.Join(',', reviewer.Roles), grant.PatientKey,
            $"break-glass grant {grantId}", "BreakGlassReview", AuditOutcome.Success, PurposeCodes.Code(Purpose.Compliance), reviewer.Source), ct);
        return grant;
    }

    private async Task DemandAsync(Actor reviewer, string clinic, string obj, CancellationToken ct)
    {
        var decision = await policy.DecideAsync(reviewer, Operation, ResourceScope.ForClinic(clinic, obj), Purpose.Compliance, ct);
        if (!decision.Allowed) throw new ForbiddenException($"may not review break-glass grants ({decision.Rule})");
    }
}
