using Enamel.Core.Access;

namespace Enamel.Core.Records;

/// <summary>
/// One version of a clinical record entry: its reference (kind, id, patient, category), the version number, what it says
/// (<see cref="Body"/>), who wrote that version, when and why, and the version's status. The entry's current state is
/// its latest version; earlier versions stay readable (<see cref="IRecordEntryStore.VersionsAsync"/>).
/// </summary>
public sealed record RecordEntry(RecordRef Ref, int Version, EntryBody Body, string AuthorId, DateTimeOffset Recorded, string Reason, VersionStatus Status)
{
    /// <summary>When the entry was first recorded (version 1).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Who marked the entry entered-in-error, when and why; null otherwise.</summary>
    public StatusChange? Withdrawn { get; init; }

    public string Id => Ref.Id;
    public RecordKind Kind => Ref.Kind;
    public long PatientKey => Ref.PatientKey;

    /// <summary>The weak ETag of this version (FHIR: W/"3").</summary>
    public string ETag => $"W/\"{Version}\"";
}

/// <summary>
/// A search over entries: kinds, the patients the policy reaches (<see cref="PatientReach"/>: clinics and named
/// patients), state, a code, a date range, recorded since. Matching on sealed values happens after opening them; only kind, patient, state and
/// blind code tokens are matched in SQL.
/// </summary>
public sealed record EntryQuery(IReadOnlyCollection<RecordKind> Kinds, PatientReach Reach)
{
    /// <summary>One patient's entries (within <see cref="Reach"/>); null: every patient in reach.</summary>
    public long? PatientKey { get; init; }

    public string? State { get; init; }

    /// <summary>"system|code" or a bare code.</summary>
    public string? Code { get; init; }

    /// <summary>The entry's date (<see cref="EntryBody.Date"/>) from and to, inclusive, as yyyy[-MM[-dd]] prefixes.</summary>
    public string? DateFrom { get; init; }
    public string? DateTo { get; init; }

    /// <summary>Only entries whose latest version was recorded at or after this time (FHIR _lastUpdated=ge…).</summary>
    public DateTimeOffset? UpdatedSince { get; init; }

    public bool IncludeEnteredInError { get; init; }

    /// <summary>At most this many, newest first, after <see cref="Skip"/>.</summary>
    public int Limit { get; init; } = 100;
    public int Skip { get; init; }
}

/// <summary>
/// Where entries live (port; SQL in Storage). Bodies are sealed under the patient's data key, one row per version;
/// nothing is updated in place or deleted (a revision appends, entered-in-error marks). Writes join the change they are
/// called through (<see cref="IChangeScope.Entries"/>), with the entry's audit entry.
/// </summary>
public interface IRecordEntryStore
{
    /// <summary>Records a new entry (version 1) for the patient with a new unguessable id.</summary>
    Task<RecordEntry> AddAsync(long patientKey, EntryBody body, VersionNote note, CancellationToken ct);

    /// <summary>Appends version <paramref name="expectedVersion"/> + 1 with <paramref name="body"/>; null when the latest version is not <paramref name="expectedVersion"/> (changed meanwhile) or the entry is entered-in-error.</summary>
    Task<RecordEntry?> ReviseAsync(RecordKind kind, string id, int expectedVersion, EntryBody body, VersionNote note, CancellationToken ct);

    /// <summary>Marks the entry entered-in-error (every version stays readable); null when there is no such entry or it is marked already.</summary>
    Task<RecordEntry?> MarkEnteredInErrorAsync(RecordKind kind, string id, StatusChange change, CancellationToken ct);

    /// <summary>The latest version, or null.</summary>
    Task<RecordEntry?> GetAsync(RecordKind kind, string id, CancellationToken ct);

    /// <summary>One version, or null.</summary>
    Task<RecordEntry?> GetVersionAsync(RecordKind kind, string id, int version, CancellationToken ct);

    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<RecordEntry>> VersionsAsync(RecordKind kind, string id, CancellationToken ct);

    /// <summary>
    /// Latest versions matching the query and how many matched in all: one patient's, or any within a date range, newest
    /// clinical date first; across patients without a date range, most recently recorded first (paged in the database).
    /// </summary>
    Task<(IReadOnlyList<RecordEntry> Entries, int Total)> FindAsync(EntryQuery query, CancellationToken ct);
}
