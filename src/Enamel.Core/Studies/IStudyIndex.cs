using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Core.Records;

namespace Enamel.Core.Studies;

/// <summary>The metadata index of stored instances (SQLite or PostgreSQL behind one interface).</summary>
public interface IStudyIndex
{
    /// <summary>Creates the schema if needed.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>The patient a study belongs to (key and clinic: the access policy's scope), or null when the study is unknown.</summary>
    Task<StudyPatient?> FindStudyPatientAsync(string studyInstanceUid, CancellationToken ct);

    /// <summary>The patient a series belongs to (series → study → patient), or null when the series is unknown.</summary>
    Task<StudyPatient?> FindSeriesPatientAsync(string seriesInstanceUid, CancellationToken ct);

    /// <summary>The patient an instance belongs to (entered-in-error or not), or null when the instance is unknown.</summary>
    Task<StudyPatient?> FindInstancePatientAsync(string sopInstanceUid, CancellationToken ct);

    /// <summary>The patient with this key and its clinic; null when there is none.</summary>
    Task<StudyPatient?> FindPatientByKeyAsync(long patientKey, CancellationToken ct);

    /// <summary>The keys of every patient of <paramref name="clinic"/>.</summary>
    Task<IReadOnlySet<long>> ListPatientKeysAsync(string clinic, CancellationToken ct);

    /// <summary>An already-stored instance with this SOP Instance UID (entered-in-error or not), or null.</summary>
    Task<StoredInstance?> FindInstanceAsync(string sopInstanceUid, CancellationToken ct);

    /// <summary>
    /// Records the instance (creating study and series rows as needed) in one transaction, for the registered patient
    /// <see cref="IngestOwner.PatientKey"/>; <paramref name="blobKey"/> (that patient's data key) seals the study and
    /// series descriptions. The caller decided access for <paramref name="owner"/>; when the database says otherwise inside
    /// the transaction (the Patient ID names another record now, or the study belongs to a patient nobody decided on),
    /// nothing is written and the outcome is <see cref="IndexOutcome.OwnerChanged"/>: the caller decides again. A concurrent insert of the same
    /// SOP Instance UID is reported as <see cref="IndexOutcome.AlreadyStored"/>. The instance's record version 1
    /// (<paramref name="version"/>: author and reason) is written in the same transaction.
    /// </summary>
    Task<IndexOutcome> AddInstanceAsync(InstanceAttributes attributes, StoredBlob blob, DataKeyId blobKey, IngestOwner owner, VersionNote version, CancellationToken ct);

    /// <summary>
    /// Keeps versions: the current blob of <paramref name="sopInstanceUid"/> moves to the version history and
    /// <paramref name="blob"/> becomes current, in one transaction, together with the next record version
    /// (<paramref name="version"/>), which supersedes the current one. Returns the number of earlier versions now kept.
    /// </summary>
    Task<int> AddVersionAsync(string sopInstanceUid, StoredBlob blob, DataKeyId blobKey, VersionNote version, CancellationToken ct);

    /// <summary>
    /// Stored instances of a study, optionally narrowed to a series and an instance, in series/instance order; an instance
    /// marked entered-in-error is not among them.
    /// </summary>
    Task<IReadOnlyList<StoredInstance>> ListInstancesAsync(string studyUid, string? seriesUid, string? sopInstanceUid, CancellationToken ct);

    /// <summary>Every blob id the index refers to (for the orphan sweep).</summary>
    Task<IReadOnlySet<string>> ReferencedBlobIdsAsync(CancellationToken ct);

    /// <summary>Every current instance of the archive, streamed in index order (for integrity checks over the whole archive).</summary>
    IAsyncEnumerable<StoredInstance> ListAllInstancesAsync(CancellationToken ct);

    /// <summary>
    /// QIDO-style search at one level, restricted to <see cref="StudyQuery.Reach"/> when it is set; instances marked
    /// entered-in-error are neither matched nor counted.
    /// </summary>
    Task<IReadOnlyList<IReadOnlyDictionary<Enamel.Dicom.DicomTag, string>>> SearchAsync(StudyQuery query, CancellationToken ct);
}

/// <summary>Whose a study is: the patient key and the patient's clinic.</summary>
public sealed record StudyPatient(long PatientKey, string Clinic);

public sealed record StoredBlob(BlobId Id, long Length, string Sha256, string TransferSyntaxUid);

public sealed record StoredInstance(string SopInstanceUid, string SopClassUid, string StudyInstanceUid, string SeriesInstanceUid,
    StoredBlob Blob, DataKeyId DataKey);

public enum IndexOutcome
{
    Added,
    AddedPatientFlaggedForReview,
    AlreadyStored,
    /// <summary>The patient or study owner is no longer the one the access decision was made for: nothing was written.</summary>
    OwnerChanged,
    /// <summary>The Series Instance UID is already a series of another study: nothing was written.</summary>
    SeriesOfAnotherStudy,
}

/// <summary>
/// The owners an ingest decision was made for: the patient of the Patient ID (<see cref="PatientKey"/>; null: a new
/// patient, created in <see cref="Clinic"/>) and the patient the study already belonged to (<see cref="StudyPatientKey"/>;
/// null: the study was new).
/// </summary>
public sealed record IngestOwner(string Clinic, long? PatientKey, long? StudyPatientKey)
{
    /// <summary>Why the header's name or birth date disagree with the registered record (flagged for review), if they do.</summary>
    public IReadOnlyList<string> ReviewReasons { get; init; } = [];
}
