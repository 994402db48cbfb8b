using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.Treatment;

/// <summary>
/// A dental procedure, by tooth and surface where it has one: <see cref="Status"/> existing (found at examination, done
/// elsewhere), planned (the treatment plan is the planned ones), completed, or cancelled. The code comes from the
/// clinic's code list (CDT where the clinic holds a licence, SNOMED CT, local). <see cref="Provider"/> is a user id.
/// </summary>
public sealed record Procedure(Coding Code, string Tooth, string Surfaces, string Status, string On, string Provider, string Note = "") : EntryBody
{
    public static readonly string[] States = ["existing", "planned", "completed", "cancelled"];

    public override RecordKind Kind => RecordKind.Procedure;
    public override RecordCategory Category => RecordCategory.TreatmentRecords;
    public override string State => Status;
    public override string Date => On;
    public override IEnumerable<Coding> Codes => [Code];

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Code("procedure", Code), Teeth.Check("tooth", Tooth, Surfaces), EntryRules.OneOf("status", Status, States),
        EntryRules.Date("date", On, required: Status == "completed", future: Status == "planned"), EntryRules.Text("provider", Provider),
        EntryRules.Text("note", Note, max: EntryRules.MaxText));
}

/// <summary>A prescription written here: medication, dose, route, frequency, duration, quantity, prescriber (a user id); printable.</summary>
public sealed record Prescription(Coding Drug, string Dose, string Route, string Frequency, int DurationDays, string Quantity, string Prescriber,
    string Written, string Status = "active", string Note = "") : EntryBody
{
    public static readonly string[] States = ["active", "completed", "cancelled", "stopped"];
    public static readonly string[] Routes = ["oral", "topical", "sublingual", "intravenous", "intramuscular", "subcutaneous", "inhalation", "other"];

    public override RecordKind Kind => RecordKind.Prescription;
    public override RecordCategory Category => RecordCategory.TreatmentRecords;
    public override string State => Status;
    public override string Date => Written;
    public override IEnumerable<Coding> Codes => [Drug];

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Code("medication", Drug), EntryRules.Text("dose", Dose, required: true), EntryRules.OneOf("route", Route, Routes),
        EntryRules.Text("frequency", Frequency, required: true),
        DurationDays is < 0 or > 3650 ? PatientProblem.Of("Duration", "duration: 0 to 3650 days") : null,
        EntryRules.Text("quantity", Quantity), EntryRules.Text("prescriber", Prescriber, required: true),
        EntryRules.Date("written", Written, required: true), EntryRules.OneOf("status", Status, States),
        EntryRules.Text("note", Note, max: EntryRules.MaxText));
}
