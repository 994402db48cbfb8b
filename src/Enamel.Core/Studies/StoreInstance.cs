using System.Security.Cryptography;
using Enamel.Core.Access;
using Enamel.Core.Audit;
using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Dicom;

namespace Enamel.Core.Studies;

public enum StoreStatus
{
    /// <summary>Stored and indexed.</summary>
    Stored,
    /// <summary>Stored; the Patient ID arrived with a different name or birth date and is flagged for review.</summary>
    StoredFlaggedForReview,
    /// <summary>The same SOP Instance UID with the same bytes was already stored (idempotent).</summary>
    AlreadyStored,
    /// <summary>The same SOP Instance UID with different bytes: refused.</summary>
    Conflict,
    /// <summary>The same SOP Instance UID with different bytes, stored as the new current version (versions are kept by configuration).</summary>
    StoredNewVersion,
    /// <summary>The caller may not store into the patient record(s) the instance belongs to: nothing was written or compared.</summary>
    Refused,
    /// <summary>The instance belongs to another study than the one the request named (<see cref="IngestTarget.Study"/>): nothing was written.</summary>
    StudyMismatch,
}

public sealed record StoreResult(StoreStatus Status, InstanceAttributes Attributes, BlobId? BlobId, string TransferSyntaxUid);

/// <summary>
/// The one ingest pipeline for STOW-RS, C-STORE and import: stream-parse the header, validate, encrypt and write
/// the blob (fsynced by the store), check the whole object's structure (<see cref="InstanceIntegrity"/>), record it
/// in one database transaction — a new patient's registration, the index rows, the instance's version 1 and the audit
/// entries of the decisions that allowed it, together (<see cref="IUnitOfWork"/>) — and only then report success. The
/// object is never held whole in memory and never written unencrypted; an object that fails a check is refused with
/// <see cref="InvalidInstanceException"/> and nothing of it is kept.
/// </summary>
public sealed class StoreInstance(IBlobStore blobs, IKeyring keyring, IStudyIndex index, IPatientStore patients, IUnitOfWork changes,
    bool keepVersions = false, IngestLimits? limits = null)
{
    private readonly IngestLimits limits = limits ?? IngestLimits.Default;

    /// <summary>What an allowed decision's entry adds to its detail when it commits with the instance it allowed.</summary>
    public const string InstanceStored = "instance-stored", VersionStored = "instance-version-stored";

    public async Task<StoreResult> ExecuteAsync(Stream part10, IngestTarget target, CancellationToken ct)
    {
        var (header, head) = await ReadHeaderAsync(part10, ct);
        if (!header.HadPart10Header) throw new InvalidInstanceException("the object has no Part 10 header (preamble, DICM and File Meta Information)");
        var syntax = header.Meta.GetString(DicomTags.TransferSyntaxUID) ?? "";
        if (!DicomTransferSyntax.IsStandard(syntax))
            throw new InvalidInstanceException($"the transfer syntax {syntax} is not one the standard defines");
        syntax = header.TransferSyntax.Uid;
        var attributes = InstanceAttributes.From(header.Dataset);
        // Lenient by policy: a Media Storage SOP Instance UID that differs from the dataset's (seen in real
        // archives) does not block storage; the dataset's SOP Instance UID is the identity, the bytes stay as sent.
        if (target.Study is { } study && attributes.StudyInstanceUid != study)
            return new StoreResult(StoreStatus.StudyMismatch, attributes, null, syntax);

        // The entries of allowed decisions not appended yet (the policy appended every refusal itself). The transaction
        // that records the instance takes them all; whatever none took (a comparison, a lost race, a refusal after an
        // allowed scope, a failure) is appended on its own before the answer: every decision is audited, and only the
        // ones that allowed a store that committed say so.
        var unrecorded = new List<AuditEvent>();
        StoreResult result;
        try
        {
            result = await StoreAsync(new ConcatReadStream(head, part10), header.DatasetOffset, attributes, syntax, target, unrecorded, ct);
        }
        catch
        {
            await AppendOnItsOwnAsync(unrecorded, failing: true);
            throw;
        }
        await AppendOnItsOwnAsync(unrecorded, failing: false, ct);
        return result;
    }

    private async Task<StoreResult> StoreAsync(Stream whole, long datasetOffset, InstanceAttributes attributes, string syntax, IngestTarget target,
        List<AuditEvent> unrecorded, CancellationToken ct)
    {
        var existing = await index.FindInstanceAsync(attributes.SopInstanceUid, ct);
        if (await DecideAsync(attributes, existing, target, unrecorded, ct) is not { } decision)
            return new StoreResult(StoreStatus.Refused, attributes, null, syntax);
        if (existing is not null && !keepVersions) return await CompareWithExistingAsync(whole, datasetOffset, existing, attributes, syntax, ct);
        if (existing is not null) return await StoreVersionAsync(whole, datasetOffset, existing, attributes, syntax, Note(target), decision, unrecorded, ct);

        var key = decision.Patient?.DataKey ?? await keyring.CreateDataKeyAsync(ct);
        var blob = await PutCheckedAsync(whole, datasetOffset, ContentHash.DatasetPrefix, key, syntax, ct);
        (var outcome, blob) = await IndexAsync(attributes, blob, key, decision, target, unrecorded, ct);
        if (outcome == IndexOutcome.SeriesOfAnotherStudy)
        {
            await blobs.DeleteAsync(blob.Id, ct);
            throw new InvalidInstanceException("its Series Instance UID is already a series of another study");
        }
        if (outcome == IndexOutcome.OwnerChanged)
        {
            await blobs.DeleteAsync(blob.Id, ct);
            return new StoreResult(StoreStatus.Refused, attributes, null, syntax);
        }
        if (outcome == IndexOutcome.AlreadyStored)
        {
            // Lost a race with a concurrent store of the same instance.
            await blobs.DeleteAsync(blob.Id, ct);
            var winner = await index.FindInstanceAsync(attributes.SopInstanceUid, ct);
            var same = winner is not null && winner.Blob.Sha256 == blob.Sha256;
            return new StoreResult(same ? StoreStatus.AlreadyStored : StoreStatus.Conflict, attributes, winner?.Blob.Id, syntax);
        }
        return new StoreResult(outcome == IndexOutcome.AddedPatientFlaggedForReview ? StoreStatus.StoredFlaggedForReview : StoreStatus.Stored,
            attributes, blob.Id, syntax);
    }

    private static VersionNote Note(IngestTarget target) => new(target.Author, target.Reason);

    /// <summary>The owners decided on, and the audit entries of the decisions that allowed them (appended with what they allow).</summary>
    private sealed record OwnerDecision(IngestOwner Owner, Patient? Patient, IReadOnlyList<AuditEvent> Entries);

    /// <summary>How many times the owners may change under a store before it gives up (each change is decided again).</summary>
    private const int MaxOwnerChanges = 3;

    /// <summary>
    /// Indexes the blob for the decided owners (<see cref="RecordAsync"/>). When another store changed them meanwhile
    /// (<see cref="IndexOutcome.OwnerChanged"/>), decides again for the owners as they are now; refused then,
    /// <see cref="IndexOutcome.OwnerChanged"/> is returned (and after <see cref="MaxOwnerChanges"/> changes the store fails,
    /// nothing written; on any failure the blob is deleted). When the patient now exists under another data key, the blob
    /// is re-encrypted under it first (one data key per patient).
    /// </summary>
    private async Task<(IndexOutcome Outcome, StoredBlob Blob)> IndexAsync(InstanceAttributes attributes, StoredBlob blob, DataKeyId key,
        OwnerDecision decision, IngestTarget target, List<AuditEvent> unrecorded, CancellationToken ct)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                var outcome = await RecordAsync(attributes, blob, key, decision, target, unrecorded, ct);
                if (outcome != IndexOutcome.OwnerChanged) return (outcome, blob);
                if (attempt == MaxOwnerChanges)
                    throw new InvalidOperationException($"the patient record changed under this store {MaxOwnerChanges} times: nothing was stored, send it again");
                if (await DecideAsync(attributes, existing: null, target, unrecorded, ct) is not { } again) return (IndexOutcome.OwnerChanged, blob);
                decision = again;
                if (decision.Patient is { } patient && patient.DataKey != key)
                {
                    BlobId moved;
                    await using (var plain = await blobs.OpenReadAsync(blob.Id, ct))
                        moved = await blobs.PutAsync(plain, patient.DataKey, ct);
                    await blobs.DeleteAsync(blob.Id, ct);
                    (blob, key) = (blob with { Id = moved }, patient.DataKey);
                }
            }
        }
        catch
        {
            await blobs.DeleteAsync(blob.Id, ct); // the current blob (re-encrypted or not): no row refers to it
            throw;
        }
    }

    /// <summary>
    /// One change: a Patient ID nobody registered registers its patient (through the desk's own verb, under the key the
    /// image was encrypted with) and that registration's audit entry; the index rows and version 1; the entries of the
    /// decisions (those that allowed this store say <see cref="InstanceStored"/>) — committed together. Any other outcome
    /// than added rolls all of it back: no patient, no rows, no entry claiming a store. A Patient ID registered meanwhile
    /// by someone else is <see cref="IndexOutcome.OwnerChanged"/> (decided again for that record).
    /// </summary>
    private async Task<IndexOutcome> RecordAsync(InstanceAttributes attributes, StoredBlob blob, DataKeyId key, OwnerDecision decision, IngestTarget target,
        List<AuditEvent> unrecorded, CancellationToken ct)
    {
        await using var change = await changes.BeginAsync(ct);
        var owner = decision.Owner;
        AuditEvent? created = null;
        if (owner.PatientKey is null)
        {
            var (registration, patientKey) = await RegisterPatient.FromImageAsync(change.Patients, attributes.PatientId, attributes.IssuerOfPatientId,
                attributes.PatientName, attributes.PatientBirthDate, attributes.PatientSex, target.Clinic, key, target.Author, ct);
            if (registration != RegistrationOutcome.Created) return IndexOutcome.OwnerChanged; // disposing rolls the change back
            owner = owner with { PatientKey = patientKey };
            created = target.PatientCreated?.Invoke(ResourceScope.ForPatient(patientKey, target.Clinic, $"study {attributes.StudyInstanceUid}"));
        }
        var outcome = await change.Studies.AddInstanceAsync(attributes, blob, key, owner, Note(target), ct);
        if (outcome is not (IndexOutcome.Added or IndexOutcome.AddedPatientFlaggedForReview)) return outcome;
        if (created is not null) await change.AuditAsync(created, ct);
        await AppendDecisionsAsync(change, decision, InstanceStored, unrecorded, ct);
        await change.CommitAsync(ct);
        unrecorded.Clear();
        return outcome;
    }

    /// <summary>Appends every unrecorded entry in the change; those of <paramref name="decision"/> carry <paramref name="stored"/>.</summary>
    private static async Task AppendDecisionsAsync(IChangeScope change, OwnerDecision decision, string stored, List<AuditEvent> unrecorded, CancellationToken ct)
    {
        foreach (var entry in unrecorded)
            await change.AuditAsync(decision.Entries.Contains(entry, ReferenceEqualityComparer.Instance)
                ? entry with { Detail = $"{entry.Detail}; {stored}" } : entry, ct);
    }

    /// <summary>
    /// The entries no change took, in a transaction of their own. After a failure (<paramref name="failing"/>) this is
    /// attempted even if the request was cancelled, and an audit failure does not hide the failure being answered.
    /// </summary>
    private async Task AppendOnItsOwnAsync(List<AuditEvent> entries, bool failing, CancellationToken ct = default)
    {
        if (entries.Count == 0) return;
        try
        {
            await using var change = await changes.BeginAsync(failing ? CancellationToken.None : ct);
            foreach (var entry in entries) await change.AuditAsync(entry, failing ? CancellationToken.None : ct);
            await change.CommitAsync(failing ? CancellationToken.None : ct);
            entries.Clear();
        }
        catch (Exception) when (failing)
        {
            // The request fails with its own error (nothing was stored); the audit store failing too is not what to answer.
        }
    }

    /// <summary>
    /// Decides, for the caller (see <see cref="IngestTarget"/>), every patient record the instance touches: the patient
    /// of its Patient ID (or a new one in the target's clinic), the owner of its study, and the owner of an instance
    /// already stored under its SOP Instance UID. Null when any is refused; otherwise the owners decided on. The entries of
    /// allowed decisions join <paramref name="unrecorded"/> (refused or not, they are decisions to audit).
    /// </summary>
    private async Task<OwnerDecision?> DecideAsync(InstanceAttributes attributes, StoredInstance? existing, IngestTarget target, List<AuditEvent> unrecorded,
        CancellationToken ct)
    {
        var patient = await patients.FindByDicomIdAsync(attributes.PatientId, attributes.IssuerOfPatientId, ct);
        var studyOwner = await index.FindStudyPatientAsync(attributes.StudyInstanceUid, ct);
        if (target.Authorize is not { } authorize) return null; // no decision at all: refused, never stored

        var obj = $"study {attributes.StudyInstanceUid}";
        var scopes = new List<ResourceScope>
        {
            patient is null ? ResourceScope.ForClinic(target.Clinic, obj) : ResourceScope.ForPatient(patient.Key, patient.Clinic, obj),
        };
        void Add(StudyPatient? owner, string study)
        {
            if (owner is not null && !scopes.Any(s => s.PatientKey == owner.PatientKey))
                scopes.Add(ResourceScope.ForPatient(owner.PatientKey, owner.Clinic, $"study {study}"));
        }
        Add(studyOwner, attributes.StudyInstanceUid);
        if (existing is not null && existing.StudyInstanceUid != attributes.StudyInstanceUid)
            Add(await index.FindStudyPatientAsync(existing.StudyInstanceUid, ct), existing.StudyInstanceUid);
        var entries = new List<AuditEvent>();
        foreach (var scope in scopes)
        {
            var decided = await authorize(scope, ct);
            if (decided.Allowed && decided.Entry is { } entry)
            {
                unrecorded.Add(entry);
                entries.Add(entry);
            }
            if (!decided.Allowed) return null;
        }
        return new OwnerDecision(new IngestOwner(target.Clinic, patient?.Key, studyOwner?.PatientKey) { ReviewReasons = ReviewReasons(attributes, patient) },
            patient, entries);
    }

    /// <summary>
    /// Same Patient ID, different person? The header's name or birth date disagreeing with the registered record (case and
    /// trailing empty components aside) is flagged for review; an empty value on either side says nothing.
    /// </summary>
    private static IReadOnlyList<string> ReviewReasons(InstanceAttributes a, Patient? patient)
    {
        if (patient is null) return [];
        var reasons = new List<string>();
        var registered = patient.Demographics.Name.ToDicom();
        var received = PersonNames.Parse(a.PatientName).ToDicom();
        if (received.Length > 0 && registered.Length > 0 && !string.Equals(received, registered, StringComparison.OrdinalIgnoreCase))
            reasons.Add("patient name differs");
        if (a.PatientBirthDate.Length > 0 && patient.Demographics.BirthDate.Length > 0 && a.PatientBirthDate != patient.Demographics.BirthDate)
            reasons.Add("birth date differs");
        return reasons;
    }

    /// <summary>
    /// Encrypts and writes the object, hashing its content (<see cref="ContentHash"/>), then reads it back from the
    /// store and checks its whole structure before anyone acknowledges it; a defect deletes the blob and refuses the
    /// object (<see cref="InvalidInstanceException"/> with the reason).
    /// </summary>
    private async Task<StoredBlob> PutCheckedAsync(Stream whole, long datasetOffset, string hashPrefix, DataKeyId key, string syntax, CancellationToken ct)
    {
        var hashing = new HashingStream(whole, datasetOffset, hashPrefix);
        var blobId = await blobs.PutAsync(hashing, key, ct);
        string? defect;
        try
        {
            await using var stored = await blobs.OpenReadAsync(blobId, ct);
            defect = InstanceIntegrity.Check(stored, limits);
        }
        catch
        {
            await blobs.DeleteAsync(blobId, ct);
            throw;
        }
        if (defect is not null)
        {
            await blobs.DeleteAsync(blobId, ct);
            throw new InvalidInstanceException(defect);
        }
        return new StoredBlob(blobId, hashing.BytesRead, hashing.Hash(), syntax);
    }

    /// <summary>
    /// Keeps versions: identical content is still idempotent; different content becomes the current version, the old one is
    /// kept — the version and the entries of the decisions that allowed it in one change.
    /// </summary>
    private async Task<StoreResult> StoreVersionAsync(Stream whole, long datasetOffset, StoredInstance existing, InstanceAttributes attributes, string syntax,
        VersionNote note, OwnerDecision decision, List<AuditEvent> unrecorded, CancellationToken ct)
    {
        var blob = await PutCheckedAsync(whole, datasetOffset, ContentHash.PrefixLike(existing.Blob.Sha256), existing.DataKey, syntax, ct);
        if (blob.Sha256 == existing.Blob.Sha256)
        {
            await blobs.DeleteAsync(blob.Id, ct);
            return new StoreResult(StoreStatus.AlreadyStored, attributes, existing.Blob.Id, syntax);
        }
        try
        {
            await using var change = await changes.BeginAsync(ct);
            await change.Studies.AddVersionAsync(attributes.SopInstanceUid, blob, existing.DataKey, note, ct);
            await AppendDecisionsAsync(change, decision, VersionStored, unrecorded, ct);
            await change.CommitAsync(ct);
            unrecorded.Clear();
        }
        catch
        {
            await blobs.DeleteAsync(blob.Id, ct);
            throw;
        }
        return new StoreResult(StoreStatus.StoredNewVersion, attributes, blob.Id, syntax);
    }

    private static async Task<StoreResult> CompareWithExistingAsync(Stream whole, long datasetOffset, StoredInstance existing, InstanceAttributes attributes, string syntax, CancellationToken ct)
    {
        var hashing = new HashingStream(whole, datasetOffset, ContentHash.PrefixLike(existing.Blob.Sha256));
        await hashing.CopyToAsync(Stream.Null, ct);
        var same = hashing.Hash() == existing.Blob.Sha256;
        return new StoreResult(same ? StoreStatus.AlreadyStored : StoreStatus.Conflict, attributes, existing.Blob.Id, syntax);
    }

    /// <summary>
    /// Reads (asynchronously, as servers require) just enough bytes to parse everything before Pixel Data,
    /// growing the window until the parse stops at Pixel Data or the input ends. Returns the parsed header and the
    /// bytes consumed, which are replayed ahead of the rest of the input.
    /// </summary>
    private async Task<(DicomFile Header, MemoryStream Head)> ReadHeaderAsync(Stream input, CancellationToken ct)
    {
        var head = new MemoryStream();
        int chunk = 256 * 1024;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int wanted = chunk, got = 0;
            bool eof = false;
            while (got < wanted)
            {
                int n = await input.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, wanted - got)), ct);
                if (n == 0) { eof = true; break; }
                head.Write(buffer, 0, n);
                got += n;
            }
            if (head.Length > limits.MaxHeaderBytes)
                throw new InvalidInstanceException($"the header (everything before Pixel Data) exceeds {limits.MaxHeaderBytes} bytes");
            try
            {
                var view = new MemoryStream(head.GetBuffer(), 0, (int)head.Length, writable: false);
                var header = DicomFile.Open(view, limits.HeaderOptions);
                if (header.IsPartial || eof)
                {
                    head.Position = 0;
                    return (header, head);
                }
            }
            catch (DicomLimitExceededException ex)
            {
                // Reading more cannot help: the header (inflated) is over the limit.
                throw new InvalidInstanceException($"over the limit: {ex.Message}", ex);
            }
            catch (DicomFormatException ex) when (eof)
            {
                throw new InvalidInstanceException($"not a readable DICOM Part 10 object: {ex.Message}", ex);
            }
            catch (DicomFormatException)
            {
                // Probably cut inside an element: read more.
            }
            chunk *= 2;
        }
    }
}

/// <summary>
/// The content hash kept per stored version to tell a repeated store from a conflicting one. It covers the dataset
/// only (from the end of the File Meta Information), because the meta header is written by whoever made the file:
/// the same dataset sent by C-STORE (meta written by the archive) and by STOW-RS (meta written by the sender) is the
/// same content. Such hashes carry the <see cref="DatasetPrefix"/>; rows written before it hash the whole file and
/// are compared the same way.
/// </summary>
public static class ContentHash
{
    public const string DatasetPrefix = "dataset:";

    /// <summary>The prefix of the way <paramref name="stored"/> was computed ("" for a whole-file hash).</summary>
    public static string PrefixLike(string stored) => stored.StartsWith(DatasetPrefix, StringComparison.Ordinal) ? DatasetPrefix : "";
}
