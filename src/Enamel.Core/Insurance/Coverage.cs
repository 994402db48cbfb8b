using Enamel.Core.Access;
using Enamel.Core.Patients;
using Enamel.Core.Records;

namespace Enamel.Core.Insurance;

/// <summary>
/// An insurance coverage: the payer, the plan, the member number, who subscribes (the patient, a parent, a spouse) and
/// the period it runs. <see cref="Status"/>: active, cancelled (FHIR Coverage.status, draft left out).
/// </summary>
public sealed record Coverage(string Payer, string Plan, string MemberId, string Subscriber, string Relationship, string Start, string End,
    string Status = "active") : EntryBody
{
    public static readonly string[] Relationships = ["self", "spouse", "child", "parent", "common", "other", "injured"];
    public static readonly string[] States = ["active", "cancelled"];

    public override RecordKind Kind => RecordKind.Coverage;
    public override RecordCategory Category => RecordCategory.InsuranceBilling;
    public override string State => Status;
    public override string Date => Start;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.Text("payer", Payer, required: true), EntryRules.Text("plan", Plan), EntryRules.Text("member id", MemberId, required: true),
        EntryRules.Text("subscriber", Subscriber), EntryRules.OneOf("relationship", Relationship, Relationships),
        EntryRules.Date("start", Start, future: true), EntryRules.Date("end", End, future: true),
        Start.Length > 0 && End.Length > 0 && string.CompareOrdinal(End, Start) < 0 ? PatientProblem.Of("PeriodOrder", "the period ends before it starts") : null,
        EntryRules.OneOf("status", Status, States));
}

/// <summary>
/// One line of a patient's simple ledger: a charge (a records-copy fee, a procedure's fee), a payment or an adjustment,
/// in minor units of <see cref="Currency"/> (cents). Not a practice-management billing system.
/// </summary>
public sealed record LedgerLine(string Type, string On, string Description, long AmountMinor, string Currency, string Status = "active") : EntryBody
{
    public static readonly string[] Types = ["charge", "payment", "adjustment"];
    public static readonly string[] States = ["active", "cancelled"];

    public override RecordKind Kind => RecordKind.LedgerLine;
    public override RecordCategory Category => RecordCategory.InsuranceBilling;
    public override string State => Status;
    public override string Date => On;

    public override PatientProblem? Check() => EntryRules.First(
        EntryRules.OneOf("type", Type, Types), EntryRules.Date("date", On, required: true), EntryRules.Text("description", Description, required: true),
        AmountMinor is <= 0 or > 100_000_000_00 ? PatientProblem.Of("Amount", "amount: a positive amount in minor units (cents), at most 100,000,000.00") : null,
        Currency.Length == 3 && Currency.All(char.IsAsciiLetterUpper) ? null : PatientProblem.Of("Currency", "currency: an ISO 4217 code such as HKD, CNY, USD"),
        EntryRules.OneOf("status", Status, States));
}
