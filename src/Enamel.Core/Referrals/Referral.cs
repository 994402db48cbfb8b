using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.Referrals;

/// <summary>
/// A referral to a specialist or a hospital: to whom, the specialty, the clinical summary, chosen images and documents
/// (instance UIDs, document entry ids), and its trail draft → sent → accepted → seen → report-received (or cancelled);
/// the reply report is a document entry named by <see cref="Reply"/>.
/// </summary>
public sealed record Referral(string To, string Specialty, string Summary, IReadOnlyList<string> Attachments, string On, string Status = "draft",
    string Reply = "") : EntryBody
{
    public static readonly string[] States = ["draft", "sent", "accepted", "seen", "report-received", "cancelled"];

    public static bool CanMove(string from, string to) => Workflow.CanMove(States, from, to);

    public IReadOnlyList<StatusStep> Trail { get; init; } = [];

    public override RecordKind Kind => RecordKind.Referral;
    public override RecordCategory Category => RecordCategory.Referrals;
    public override string State => Status;
    public override string Date => On;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Text("to", To, required: true), EntryRules.Text("specialty", Specialty),
        EntryRules.Text("summary", Summary, required: true, max: EntryRules.MaxText), EntryRules.Links("attachments", Attachments),
        EntryRules.Date("date", On, required: true), EntryRules.OneOf("status", Status, States),
        Reply.Length == 0 ? null : EntryRules.Links("reply", [Reply]));
}
