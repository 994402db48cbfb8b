using Enamel.Core.Access;
using Enamel.Core.Blobs;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.Documents;

/// <summary>What the uploader says of a document; the content, its size and hash come from the upload itself.</summary>
public sealed record DocumentUpload(string Title, RecordCategory Filed, string On, string ContentType, string Tooth = "", string BodyPart = "");

/// <summary>
/// Documents in the record (PDFs, photos, scanned consent forms, STL models): <see cref="RecordAsync"/> decides
/// Create on the category the document is filed under, checks what the content is (its first bytes must match the
/// declared type), writes it as a blob encrypted under the patient's data key, and records the document entry with its
/// audit entry in one change (the blob is deleted again when that fails). <see cref="OpenAsync"/> decides Read on the
/// document's category and opens the content. The entry's other fields change by revision; the content never does.
/// </summary>
public sealed class DocumentVerbs(IPatientStore patients, IBlobStore blobs, AccessPolicy policy, IUnitOfWork changes, RecordEntries entries)
{
    public async Task<PatientAnswer<RecordEntry>> RecordAsync(Actor actor, long patientKey, DocumentUpload upload, Stream content, string reason, Purpose purpose,
        CancellationToken ct)
    {
        // The metadata is checked as the entry will be, with placeholders for what the upload yields.
        var draft = new Document(upload.Title.Trim(), upload.Filed, upload.On.Trim(), upload.ContentType.Trim().ToLowerInvariant(), "pending", 1, new string('0', 64),
            upload.Tooth.Trim(), upload.BodyPart.Trim());
        if (draft.Check() is { } problem) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, problem);
        var create = new Operation(draft.Category, RecordAction.Create);
        var (refusal, patient) = await FindPatients.DecideFor(patients, policy, actor, patientKey, create, purpose, null, ct);
        if (refusal is not null) return refusal.Refused<RecordEntry>();
        if (patient!.Status == PatientStatus.Merged)
            return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Conflict, $"this record was merged into patient {patient.MergedInto}: file it there");

        var head = new byte[16];
        int headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (headLength == 0) return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, PatientProblem.Of("DocumentEmpty", "the document is empty"));
        if (!Matches(draft.ContentType, head.AsSpan(0, headLength)))
            return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, PatientProblem.Of("DocumentType", $"the content is not {draft.ContentType}"));
        var hashing = new HashingStream(new ConcatenatedStream(head.AsMemory(0, headLength), content), maxBytes: Document.MaxSize);
        BlobId blob;
        try
        {
            blob = await blobs.PutAsync(hashing, patient.DataKey, ct);
        }
        catch (ContentTooLargeException)
        {
            return PatientAnswer<RecordEntry>.Fail(PatientOutcome.Invalid, PatientProblem.Of("DocumentSize", "a document is 1 byte to 512 MiB"));
        }
        var body = draft with { BlobKey = blob.Value, Size = hashing.BytesRead, Sha256 = hashing.Hash() };
        try
        {
            RecordEntry entry;
            await using (var change = await changes.BeginAsync(ct))
            {
                entry = await change.Entries.AddAsync(patientKey, body, new VersionNote(actor.UserId, string.IsNullOrWhiteSpace(reason) ? "filed" : reason.Trim()), ct);
                await change.AuditAsync(policy.DataEvent(actor, create, RecordEntries.ScopeOf(entry.Ref, patient.Clinic), purpose, $"document-filed {body.Size} bytes"), ct);
                await change.CommitAsync(ct);
            }
            return PatientAnswer<RecordEntry>.Ok(entry);
        }
        catch
        {
            // Nothing half-done: the content goes when its entry could not be recorded.
            await blobs.DeleteAsync(blob, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The document's entry (that version, or the latest) and its content, decided as Read on its category.</summary>
    public async Task<(PatientAnswer<RecordEntry> Answer, Stream? Content)> OpenAsync(Actor actor, string id, int? version, Purpose purpose,
        DecidedOperation? decided, CancellationToken ct)
    {
        var answer = await entries.ReadAsync(actor, RecordKind.Document, id, version, purpose, decided, ct);
        if (!answer.Done) return (answer, null);
        var document = (Document)answer.Value!.Body;
        return (answer, await blobs.OpenReadAsync(new BlobId(document.BlobKey), ct));
    }

    /// <summary>Whether the first bytes are what <paramref name="contentType"/> says (text and STL: no control bytes but line ends, or a binary STL's size).</summary>
    public static bool Matches(string contentType, ReadOnlySpan<byte> head) => contentType switch
    {
        "application/pdf" => head.StartsWith("%PDF-"u8),
        "image/jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/tiff" => head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8),
        "application/dicom" => true, // a Part 10 file starts with a 128-byte preamble; checked by the viewer that opens it
        "model/stl" or "application/sla" => true, // binary STL has an arbitrary 80-byte header
        "text/plain" => !head.ContainsAnyInRange((byte)0, (byte)8),
        _ => false,
    };

    /// <summary>The first bytes already read, then the rest of the upload.</summary>
    private sealed class ConcatenatedStream(ReadOnlyMemory<byte> head, Stream rest) : Enamel.Dicom.ForwardOnlyReadStream
    {
        private ReadOnlyMemory<byte> pending = head;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (pending.Length == 0) return await rest.ReadAsync(buffer, ct);
            int n = Math.Min(buffer.Length, pending.Length);
            pending[..n].CopyTo(buffer);
            pending = pending[n..];
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (pending.Length == 0) return rest.Read(buffer, offset, count);
            int n = Math.Min(count, pending.Length);
            pending.Span[..n].CopyTo(buffer.AsSpan(offset));
            pending = pending[n..];
            return n;
        }
    }
}
