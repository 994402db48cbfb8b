using Enamel.Core.Access;
using Enamel.Core.Keys;

namespace Enamel.Core.Patients;

/// <summary>
/// Patient records. Demographics and identifiers are stored sealed under the patient's data key; lookups go through
/// keyed blind indexes (see docs/security.md); nothing is overwritten: each amendment is a new version.
/// </summary>
public interface IPatientStore
{
    /// <summary>
    /// Creates the record (version 1) under <paramref name="dataKey"/>. When one of its identifiers already belongs to
    /// another record (another registration won a race, or the person is registered already), nothing is written and
    /// that record's key is returned as <see cref="RegistrationOutcome.Existing"/>.
    /// </summary>
    Task<(RegistrationOutcome Outcome, long Key)> AddAsync(NewPatient patient, DataKeyId dataKey, string authorId, string reason, CancellationToken ct);

    Task<Patient?> GetAsync(long key, CancellationToken ct);

    /// <summary>The record an identifier belongs to (aliases of merged records included); a merged record is followed to the survivor.</summary>
    Task<Patient?> FindByIdentifierAsync(IdentifierType type, string issuer, string value, CancellationToken ct);

    /// <summary>The patient behind a DICOM Patient ID and issuer (what ingest matches on), following merges.</summary>
    Task<Patient?> FindByDicomIdAsync(string patientId, string issuer, CancellationToken ct);

    /// <summary>Records within <paramref name="reach"/> matching the search box text: a name prefix, a chart number or other identifier, a phone number.</summary>
    Task<IReadOnlyList<Patient>> SearchAsync(string text, PatientReach reach, int limit, CancellationToken ct);

    /// <summary>Writes demographics as version <paramref name="expectedVersion"/> + 1; false when the record changed meanwhile (nothing written).</summary>
    Task<bool> AmendAsync(long key, int expectedVersion, Demographics demographics, string authorId, string reason, CancellationToken ct);

    /// <summary>Adds an identifier; false when it belongs to another record already.</summary>
    Task<bool> AddIdentifierAsync(long key, PatientIdentifier identifier, CancellationToken ct);

    /// <summary>Every version of the demographic record, oldest first.</summary>
    Task<IReadOnlyList<DemographicsVersion>> HistoryAsync(long key, CancellationToken ct);

    /// <summary>Moves the record (and with it every study) to <paramref name="clinic"/>.</summary>
    Task<bool> MoveAsync(long key, string clinic, CancellationToken ct);

    /// <summary>
    /// <paramref name="merged"/> becomes an alias record of <paramref name="survivor"/>: its identifiers become aliases of the
    /// survivor, its studies and guardians move, its record stays (status Merged, read-only). One transaction.
    /// </summary>
    Task MergeAsync(long survivor, long merged, string authorId, string reason, CancellationToken ct);
}

public enum RegistrationOutcome { Created, Existing }
