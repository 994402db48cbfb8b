using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Treatment;

namespace Enamel.Core.LabCases;

/// <summary>
/// An order to a dental lab: what to make (the prescription and specifications), the shade, the teeth, attached images
/// and scans (instance UIDs, document entry ids such as an STL model), the due date, and its trail
/// draft → sent → received (at the lab) → returned → checked (or cancelled). The lab's report or fabrication spec is
/// a document entry named by <see cref="Report"/>.
/// </summary>
public sealed record LabCase(string Lab, string Specification, string Shade, IReadOnlyList<string> TeethCovered, IReadOnlyList<string> Attachments,
    string Due, string Status = "draft", string Report = "") : EntryBody
{
    public static readonly string[] States = ["draft", "sent", "received", "returned", "checked", "cancelled"];

    /// <summary>The order a case moves in; "cancelled" is reachable from any state before "checked".</summary>
    public static bool CanMove(string from, string to) => Workflow.CanMove(States, from, to);

    public IReadOnlyList<StatusStep> Trail { get; init; } = [];

    public override RecordKind Kind => RecordKind.LabCase;
    public override RecordCategory Category => RecordCategory.LabReports;
    public override string State => Status;
    public override string Date => Due;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Text("lab", Lab, required: true), EntryRules.Text("specification", Specification, required: true, max: EntryRules.MaxText),
        EntryRules.Text("shade", Shade),
        TeethCovered.Count > 52 ? PatientProblem.Of("TooManyTeeth", "at most 52 teeth") : TeethCovered.Select(t => Teeth.Check("teeth", t, "")).FirstOrDefault(p => p is not null),
        EntryRules.Links("attachments", Attachments), EntryRules.Date("due", Due, future: true), EntryRules.OneOf("status", Status, States),
        Report.Length == 0 ? null : EntryRules.Links("report", [Report]));
}
