using Enamel.Core.Access;

namespace Enamel.Core.Records;

/// <summary>What became of a request to mark an item entered-in-error.</summary>
public enum EnteredInErrorOutcome
{
    /// <summary>The item's current version is now entered-in-error (and the item is withdrawn from reads).</summary>
    Marked,
    /// <summary>It already was: nothing changed.</summary>
    AlreadyEnteredInError,
    /// <summary>No such item, or one beyond the actor's reach (answered alike).</summary>
    NotFound,
    /// <summary>The policy refused (no role of the actor may amend the item's category).</summary>
    Refused,
    /// <summary>This kind of item cannot be withdrawn yet (instances can).</summary>
    NotSupported,
    /// <summary>No reason was given.</summary>
    NoReason,
}

public sealed record EnteredInErrorResult(EnteredInErrorOutcome Outcome, RecordVersion? Version = null, Decision? Decision = null);

/// <summary>
/// Withdraws an item recorded by mistake (wrong patient, wrong tooth): its current version is marked entered-in-error,
/// nothing is deleted, the history stays readable to whoever may read the item, and the item is no longer returned by
/// the archive's reads and searches. Decided by the policy as Amend on the item's category, for the item's patient, and
/// audited (the decision, then the change with the version it marked).
/// </summary>
public sealed class MarkEnteredInError(AccessPolicy policy, RecordOwners owners, IRecordHistory history, TimeProvider time)
{
    /// <summary>The kinds that can be withdrawn: the reads of these kinds leave out what is entered-in-error.</summary>
    public static IReadOnlySet<RecordKind> Kinds { get; } = new HashSet<RecordKind> { RecordKind.Instance };

    /// <summary>The reason of the version recorded for an item stored before versions were kept, when it is first marked.</summary>
    public const string UnversionedReason = "stored before versions were recorded";

    public async Task<EnteredInErrorResult> ExecuteAsync(Actor actor, RecordRef item, string reason, Purpose purpose, CancellationToken ct)
    {
        if (!Kinds.Contains(item.Kind)) return new(EnteredInErrorOutcome.NotSupported);
        if (string.IsNullOrWhiteSpace(reason)) return new(EnteredInErrorOutcome.NoReason);
        // The owner as stored now, not as the caller believes it.
        if (await owners.ResolveAsync(item.Kind, item.Id, ct) is not { } owner) return new(EnteredInErrorOutcome.NotFound);
        var operation = new Operation(owner.Item.Category, RecordAction.Amend);
        var decision = await policy.DecideAsync(actor, operation, owner, purpose, ct);
        if (!decision.Allowed) return new(decision.IsOutOfReach ? EnteredInErrorOutcome.NotFound : EnteredInErrorOutcome.Refused, Decision: decision);

        var versions = await history.ReadAsync(owner.Item, ct);
        if (versions.Any(v => v.Status == VersionStatus.EnteredInError))
            return new(EnteredInErrorOutcome.AlreadyEnteredInError, versions.Last(v => v.Status == VersionStatus.EnteredInError), decision);
        var now = time.GetUtcNow();
        var target = versions.LastOrDefault(v => v.Status == VersionStatus.Current)
            ?? await history.AppendAsync(owner.Item, new VersionNote("", UnversionedReason), now, ct);
        var marked = await history.MarkAsync(owner.Item, target.Number, VersionStatus.EnteredInError, new StatusChange(actor.UserId, now, reason.Trim()), ct);
        if (marked is null) return new(EnteredInErrorOutcome.AlreadyEnteredInError, Decision: decision); // marked meanwhile
        await policy.RecordAsync(actor, operation, owner, purpose, $"entered-in-error version {marked.Number}", ct);
        return new(EnteredInErrorOutcome.Marked, marked, decision);
    }
}
