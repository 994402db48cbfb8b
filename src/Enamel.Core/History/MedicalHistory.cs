using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.History;

/// <summary>A condition or diagnosis (diabetes, hypertension, periodontitis …) with its clinical status and dates.</summary>
public sealed record Condition(Coding Code, string ClinicalStatus, string Onset, string Recorded, string Note = "") : EntryBody
{
    public static readonly string[] States = ["active", "recurrence", "relapse", "inactive", "remission", "resolved"];

    public override RecordKind Kind => RecordKind.Condition;
    public override RecordCategory Category => RecordCategory.MedicalHistory;
    public override string State => ClinicalStatus;
    public override string Date => Onset.Length > 0 ? Onset : Recorded;
    public override IEnumerable<Coding> Codes => [Code];

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Code("condition", Code), EntryRules.OneOf("clinical status", ClinicalStatus, States),
        EntryRules.Date("onset", Onset), EntryRules.Date("recorded", Recorded), EntryRules.Text("note", Note, max: EntryRules.MaxText));
}

/// <summary>
/// An allergy or intolerance. <see cref="Criticality"/> "high" makes it an alert on every clinical screen of the patient.
/// </summary>
public sealed record Allergy(Coding Substance, string Type, string AllergyCategory, string Criticality, string Reaction, string ClinicalStatus,
    string Onset, string Recorded) : EntryBody
{
    public static readonly string[] Types = ["allergy", "intolerance"];
    public static readonly string[] Categories = ["food", "medication", "environment", "biologic"];
    public static readonly string[] Criticalities = ["low", "high", "unable-to-assess"];
    public static readonly string[] States = ["active", "inactive", "resolved"];

    public override RecordKind Kind => RecordKind.Allergy;
    public override RecordCategory Category => RecordCategory.MedicalHistory;
    public override string State => ClinicalStatus;
    public override string Date => Onset.Length > 0 ? Onset : Recorded;
    public override IEnumerable<Coding> Codes => [Substance];

    /// <summary>Shown as an alert on the patient's clinical screens: an active allergy of high criticality.</summary>
    public bool IsAlert => Criticality == "high" && ClinicalStatus == "active";

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Code("substance", Substance), EntryRules.OneOf("type", Type, Types), EntryRules.OneOf("category", AllergyCategory, Categories),
        EntryRules.OneOf("criticality", Criticality, Criticalities), EntryRules.Text("reaction", Reaction),
        EntryRules.OneOf("clinical status", ClinicalStatus, States), EntryRules.Date("onset", Onset), EntryRules.Date("recorded", Recorded));
}

/// <summary>A medication the patient takes or took (anticoagulants, bisphosphonates matter to a dentist), with its dosage as written.</summary>
public sealed record Medication(Coding Drug, string Dosage, string Status, string Start, string End) : EntryBody
{
    public static readonly string[] States = ["active", "completed", "stopped", "on-hold", "intended", "not-taken"];

    public override RecordKind Kind => RecordKind.Medication;
    public override RecordCategory Category => RecordCategory.MedicalHistory;
    public override string State => Status;
    public override string Date => Start;
    public override IEnumerable<Coding> Codes => [Drug];

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Code("medication", Drug), EntryRules.Text("dosage", Dosage), EntryRules.OneOf("status", Status, States),
        EntryRules.Date("start", Start), EntryRules.Date("end", End),
        Start.Length > 0 && End.Length > 0 && string.CompareOrdinal(End, Start) < 0 ? PatientProblem.Of("PeriodOrder", "the period ends before it starts") : null);
}

/// <summary>A past surgery or hospitalisation the patient reports (not a procedure done here: those are Treatment).</summary>
public sealed record PastProcedure(string Type, Coding What, string On, string Place, string Note = "") : EntryBody
{
    public static readonly string[] Types = ["surgery", "hospitalisation"];

    public override RecordKind Kind => RecordKind.PastProcedure;
    public override RecordCategory Category => RecordCategory.MedicalHistory;
    public override string State => "completed";
    public override string Date => On;
    public override IEnumerable<Coding> Codes => [What];

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.OneOf("type", Type, Types), EntryRules.Code("what", What), EntryRules.Date("date", On), EntryRules.Text("place", Place),
        EntryRules.Text("note", Note, max: EntryRules.MaxText));
}
