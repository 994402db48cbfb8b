using Enamel.Core.Access;

namespace Enamel.Core.Records;

/// <summary>
/// What kind of item a record is: a patient (the demographics record), a study, a series, an instance, and the
/// clinical items to come (note, consent, lab case …). A closed set grown by adding a named value here; the name is
/// what routes, audit entries and the version history store.
/// </summary>
public readonly record struct RecordKind
{
    private RecordKind(string name) => Name = name;

    public string Name { get; }

    public static readonly RecordKind Patient = new("patient");
    public static readonly RecordKind Study = new("study");
    public static readonly RecordKind Series = new("series");
    public static readonly RecordKind Instance = new("instance");

    // The clinical record: entries kept by RecordEntries (Core/Records/RecordEntry.cs), one kind per body type.
    public static readonly RecordKind Coverage = new("coverage");
    public static readonly RecordKind LedgerLine = new("ledger-line");
    public static readonly RecordKind Condition = new("condition");
    public static readonly RecordKind Allergy = new("allergy");
    public static readonly RecordKind Medication = new("medication");
    public static readonly RecordKind PastProcedure = new("past-procedure");
    public static readonly RecordKind Procedure = new("procedure");
    public static readonly RecordKind Prescription = new("prescription");
    public static readonly RecordKind Note = new("note");
    public static readonly RecordKind LabCase = new("lab-case");
    public static readonly RecordKind Referral = new("referral");
    public static readonly RecordKind Document = new("document");

    /// <summary>The kinds kept as clinical record entries (<see cref="IRecordEntryStore"/>), as opposed to imaging and the patient.</summary>
    public static IReadOnlyList<RecordKind> Entries { get; } =
        [Coverage, LedgerLine, Condition, Allergy, Medication, PastProcedure, Procedure, Prescription, Note, LabCase, Referral, Document];

    public static IReadOnlyList<RecordKind> All { get; } = [Patient, Study, Series, Instance, .. Entries];

    public bool IsEntry => Entries.Contains(this);

    public static bool TryParse(string? name, out RecordKind kind)
    {
        foreach (var k in All)
            if (string.Equals(k.Name, name, StringComparison.Ordinal)) { kind = k; return true; }
        kind = default;
        return false;
    }

    public override string ToString() => Name ?? "";
}

/// <summary>
/// A reference to one stored item: its kind, its id within the kind (a UID for imaging, a key for records we own),
/// the patient whose record it is, and the record category a permission is granted on. The policy decides on
/// (actor, operation, <see cref="RecordRef"/>, purpose); shares, consents and disclosures name items by it.
/// </summary>
public sealed record RecordRef(RecordKind Kind, string Id, long PatientKey, RecordCategory Category)
{
    /// <summary>"study 1.2.3", the form the audit trail names an object by (never PHI).</summary>
    public override string ToString() => $"{Kind.Name} {Id}";

    public static RecordRef ForPatient(long patientKey) =>
        new(RecordKind.Patient, patientKey.ToString(System.Globalization.CultureInfo.InvariantCulture), patientKey, RecordCategory.Demographics);
}

/// <summary>Where an item lives: the patient and the patient's clinic (the policy's reach is decided on these).</summary>
public sealed record RecordOwner(RecordRef Item, string Clinic);
