using Enamel.Core.Access;

namespace Enamel.Core.Records;

/// <summary>The versions of one item, or why there are none to show.</summary>
public sealed record HistoryResult(RecordOwner? Owner, IReadOnlyList<RecordVersion> Versions, Decision? Decision)
{
    /// <summary>No such item, or one beyond the actor's reach (answered alike).</summary>
    public bool NotFound => Owner is null || Decision is { IsOutOfReach: true };

    public bool Allowed => Decision is { Allowed: true };
}

/// <summary>
/// Reads an item's history (every version with author, time, reason and status, entered-in-error ones included), decided
/// by the policy as Read on the item's category for the item's patient. The HTTP gate makes the same decision before
/// its endpoint reads <see cref="IRecordHistory"/> directly; the CLI calls this.
/// </summary>
public sealed class ReadRecordHistory(AccessPolicy policy, RecordOwners owners, IRecordHistory history)
{
    public async Task<HistoryResult> ExecuteAsync(Actor actor, RecordKind kind, string id, Purpose purpose, CancellationToken ct)
    {
        if (await owners.ResolveAsync(kind, id, ct) is not { } owner) return new(null, [], null);
        var decision = await policy.DecideAsync(actor, new Operation(owner.Item.Category, RecordAction.Read), owner, purpose, ct);
        return new(owner, decision.Allowed ? await history.ReadAsync(owner.Item, ct) : [], decision);
    }
}
