namespace Enamel.Core.Records;

/// <summary>The state of one version of an item: nothing is overwritten or deleted.</summary>
public enum VersionStatus
{
    /// <summary>The version in force.</summary>
    Current,
    /// <summary>Replaced by a later version (an amendment, a correction, a merge).</summary>
    Superseded,
    /// <summary>Withdrawn as recorded by mistake (wrong patient, wrong tooth); kept and shown as such.</summary>
    EnteredInError,
}

/// <summary>How a status is written where people read it (the JSON API, the CLI): "current", "superseded", "entered-in-error".</summary>
public static class VersionStatusNames
{
    public static string Of(VersionStatus status) => status switch
    {
        VersionStatus.Current => "current",
        VersionStatus.Superseded => "superseded",
        VersionStatus.EnteredInError => "entered-in-error",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

/// <summary>
/// One version of an item: its number (1, 2, …), who wrote it, when, why (free text the author gives, never needed to
/// be PHI-free: it is stored sealed with the item), and its status now.
/// </summary>
public sealed record RecordVersion(RecordRef Item, int Number, string AuthorId, DateTimeOffset Time, string Reason, VersionStatus Status)
{
    /// <summary>Who changed the status from <see cref="VersionStatus.Current"/>, when and why; null while it is current.</summary>
    public StatusChange? Changed { get; init; }
}

/// <summary>Who marked a version superseded or entered-in-error, when, and why.</summary>
public sealed record StatusChange(string AuthorId, DateTimeOffset Time, string Reason);

/// <summary>The author and reason of a version about to be written (the time is the store's clock, inside its transaction).</summary>
public sealed record VersionNote(string AuthorId, string Reason);
