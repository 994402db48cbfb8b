using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.Notes;

/// <summary>
/// A clinical note: draft (its author may revise it) → signed by a clinician (locked: never revised again) → addenda
/// only, each a note of its own whose <see cref="Appends"/> names the signed note, signed in turn. A note recorded by
/// mistake is marked entered-in-error with a reason, never deleted. Signing is <see cref="SignNote"/>'s alone.
/// </summary>
public sealed record ClinicalNote(string Title, string Text, string On, string Status = "draft", string Appends = "") : EntryBody
{
    public static readonly string[] States = ["draft", "signed"];

    /// <summary>Who signed (user id) and when; empty while a draft.</summary>
    public string SignedBy { get; init; } = "";
    public DateTimeOffset? SignedAt { get; init; }

    public bool IsSigned => Status == "signed";

    public override RecordKind Kind => RecordKind.Note;
    public override RecordCategory Category => RecordCategory.ClinicalNotes;
    public override string State => Status;
    public override string Date => On;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Text("title", Title, required: true), EntryRules.Text("text", Text, required: true, max: EntryRules.MaxText),
        EntryRules.Date("date", On, required: true), EntryRules.OneOf("status", Status, States),
        Appends.Length == 0 ? null : EntryRules.Links("appends", [Appends]),
        IsSigned && (SignedBy.Length == 0 || SignedAt is null) ? PatientProblem.Of("SignatureMissing", "a signed note names its signer and time") : null);
}
