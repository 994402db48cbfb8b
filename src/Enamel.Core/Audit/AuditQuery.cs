namespace Enamel.Core.Audit;

/// <summary>
/// A filtered read of the audit trail, oldest first: every given criterion must match. Paged by sequence number
/// (<see cref="AfterSequence"/>): a page's last sequence is the next page's cursor, stable while entries are appended.
/// </summary>
public sealed record AuditQuery
{
    public const int MaxLimit = 1000;

    public string? ActorId { get; init; }
    public long? PatientKey { get; init; }

    /// <summary>Only entries about one of these patients (entries naming no patient excluded; an empty set matches nothing).</summary>
    public IReadOnlySet<long>? PatientKeys { get; init; }
    public string? Action { get; init; }
    public AuditOutcome? Outcome { get; init; }

    /// <summary>Object starts with this text, e.g. "Imaging" or "Imaging study 1.2.3".</summary>
    public string? ObjectPrefix { get; init; }

    /// <summary>At or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    public long AfterSequence { get; init; }
    public int Limit { get; init; } = 100;

    public bool Matches(AuditRecord record)
    {
        var e = record.Event;
        return record.Sequence > AfterSequence
            && (ActorId is null || e.ActorId == ActorId)
            && (PatientKey is null || e.PatientKey == PatientKey)
            && (PatientKeys is null || (e.PatientKey is { } key && PatientKeys.Contains(key)))
            && (Action is null || e.Action.Text == Action)
            && (Outcome is null || e.Outcome == Outcome)
            && (ObjectPrefix is null || e.Object.Text.StartsWith(ObjectPrefix, StringComparison.Ordinal))
            && (Since is null || e.Time >= Since)
            && (Until is null || e.Time < Until);
    }
}
