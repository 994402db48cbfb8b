using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Treatment;

namespace Enamel.Core.Documents;

/// <summary>
/// A document kept in the record: a PDF, a photo, a scanned consent form, an STL model. The content is an encrypted
/// blob (<see cref="BlobKey"/> in the blob store, sealed under the patient's data key); the entry holds its title,
/// the category it belongs to (what decides who reads it), the date, and the tooth or body part it concerns.
/// </summary>
public sealed record Document(string Title, RecordCategory Filed, string On, string ContentType, string BlobKey, long Size, string Sha256,
    string Tooth = "", string BodyPart = "", string Status = "current") : EntryBody
{
    public const long MaxSize = 512L * 1024 * 1024;
    public static readonly string[] States = ["current", "superseded"];

    /// <summary>The categories a document can be filed under (the patient's record, not the audit trail or settings).</summary>
    public static readonly RecordCategory[] Categories =
    [
        RecordCategory.Demographics, RecordCategory.InsuranceBilling, RecordCategory.MedicalHistory, RecordCategory.ClinicalNotes,
        RecordCategory.TreatmentRecords, RecordCategory.Imaging, RecordCategory.LabReports, RecordCategory.Referrals,
    ];

    public static readonly string[] ContentTypes =
        ["application/pdf", "image/jpeg", "image/png", "image/tiff", "model/stl", "application/sla", "text/plain", "application/dicom"];

    public override RecordKind Kind => RecordKind.Document;
    public override RecordCategory Category => Filed;
    public override string State => Status;
    public override string Date => On;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Text("title", Title, required: true), Categories.Contains(Filed) ? null : PatientProblem.Of("DocumentCategory", "category: not a category of the patient's record"),
        EntryRules.Date("date", On, required: true), EntryRules.OneOf("content type", ContentType, ContentTypes),
        BlobKey.Length is > 0 and <= 128 ? null : PatientProblem.Of("DocumentBlob", "the document's content is missing"),
        Size is > 0 and <= MaxSize ? null : PatientProblem.Of("DocumentSize", "a document is 1 byte to 512 MiB"),
        Sha256.Length == 64 && Sha256.All(char.IsAsciiHexDigitLower) ? null : PatientProblem.Of("DocumentHash", "sha256: 64 lower-case hex digits"),
        Teeth.Check("tooth", Tooth, ""), EntryRules.Text("body part", BodyPart), EntryRules.OneOf("status", Status, States));
}
