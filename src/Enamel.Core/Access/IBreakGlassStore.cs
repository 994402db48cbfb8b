namespace Enamel.Core.Access;

public interface IBreakGlassStore
{
    Task AddAsync(BreakGlassGrant grant, CancellationToken ct);
    Task<BreakGlassGrant?> FindActiveAsync(string userId, long patientKey, DateTimeOffset now, CancellationToken ct);
    /// <summary>The user's grants active at <paramref name="now"/> (for an emergency search).</summary>
    Task<IReadOnlyList<BreakGlassGrant>> ListActiveAsync(string userId, DateTimeOffset now, CancellationToken ct);
    /// <summary>Grants the privacy officer has not yet reviewed, oldest first.</summary>
    Task<IReadOnlyList<BreakGlassGrant>> ListUnreviewedAsync(CancellationToken ct);
    Task MarkReviewedAsync(string grantId, string reviewerUserId, CancellationToken ct);
}
