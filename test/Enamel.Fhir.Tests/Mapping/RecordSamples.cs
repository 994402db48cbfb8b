using Enamel.Core.Access;
using Enamel.Core.Documents;
using Enamel.Core.History;
using Enamel.Core.Insurance;
using Enamel.Core.Keys;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Patients;
using Enamel.Core.Records;
using Enamel.Core.Referrals;
using Enamel.Core.Treatment;

namespace Enamel.Fhir.Tests.Mapping;

/// <summary>Entries of every kind, minimal (only what Core requires) and full (every field), as the store returns them.</summary>
public static class RecordSamples
{
    public const long PatientKey = 4711;
    public static readonly DateTimeOffset Created = new(2026, 1, 5, 9, 30, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset Recorded = new(2026, 2, 3, 14, 15, 16, 123, TimeSpan.FromHours(8));

    private static readonly string Sha = new('a', 64);

    public static readonly IReadOnlyDictionary<string, EntryBody> Bodies = new Dictionary<string, EntryBody>
    {
        ["coverage-min"] = new Coverage("Acme Health", "", "M123", "", "self", "", ""),
        ["coverage-full"] = new Coverage("Acme Health", "Gold Dental", "M-0001", "Chan Tai Man", "parent", "2025-01-01", "2026-12-31", "cancelled"),
        ["coverage-self-named"] = new Coverage("Acme Health", "Basic", "M-2", "Chan Siu Ming", "self", "2025", "", "active"),
        ["condition-min"] = new Condition(Coding.Text("diabetes"), "active", "", ""),
        ["condition-full"] = new Condition(new Coding(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), "remission", "2019", "2020-03-04", "Well controlled.\nHbA1c 6.1"),
        ["allergy-min"] = new Allergy(Coding.Text("penicillin"), "allergy", "medication", "high", "", "active", "", ""),
        ["allergy-full"] = new Allergy(new Coding(Coding.RxNorm, "7980", "Penicillin G"), "intolerance", "food", "unable-to-assess", "urticaria", "resolved", "2001-05", "2020-01-02"),
        ["medication-min"] = new Medication(Coding.Text("warfarin"), "", "active", "", ""),
        ["medication-full"] = new Medication(new Coding(Coding.RxNorm, "11289", "Warfarin"), "5 mg daily", "on-hold", "2024-02-01", "2025-03"),
        ["medication-not-taken"] = new Medication(Coding.Text("alendronate"), "", "not-taken", "", ""),
        ["past-procedure-min"] = new PastProcedure("surgery", Coding.Text("appendectomy"), "", ""),
        ["past-procedure-full"] = new PastProcedure("hospitalisation", new Coding(Coding.Snomed, "80146002", "Appendectomy"), "2015-06", "Queen Mary Hospital", "Three nights."),
        ["procedure-min"] = new Procedure(Coding.Text("oral examination"), "", "", "planned", "", ""),
        ["procedure-full"] = new Procedure(new Coding(Coding.Local, "RESIN-3", "Composite restoration, three surfaces"), "16", "mod", "completed", "2026-01-02", "u-3", "Rubber dam."),
        ["procedure-existing"] = new Procedure(new Coding(Coding.Local, "CROWN", "Crown"), "85", "", "existing", "", ""),
        ["procedure-palatal"] = new Procedure(new Coding(Coding.Local, "RESIN-1", "Composite restoration, one surface"), "23", "P", "planned", "2026-09-01", "u-3"),
        ["procedure-cancelled"] = new Procedure(new Coding(Coding.Local, "EXT", "Extraction"), "48", "", "cancelled", "", "u-3"),
        ["prescription-min"] = new Prescription(Coding.Text("amoxicillin"), "500 mg", "oral", "three times a day", 0, "", "u-3", "2026-01-02"),
        ["prescription-full"] = new Prescription(new Coding(Coding.RxNorm, "723", "Amoxicillin"), "500 mg", "oral", "every 8 hours", 5, "15 capsules", "u-3", "2026-01-02", "completed", "Take with food."),
        ["prescription-text-quantity"] = new Prescription(Coding.Text("chlorhexidine 0.12% rinse"), "15 ml", "topical", "twice daily", 7, "one bottle", "u-3", "2026-01-02", "stopped"),
        ["note-min"] = new ClinicalNote("Examination", "Caries 16 MOD.", "2026-01-02"),
        ["note-signed"] = new ClinicalNote("Examination", "Caries 16 MOD.\n\nPlan: <resin> & review", "2026-01-02", "signed") { SignedBy = "u-3", SignedAt = Recorded },
        ["note-addendum"] = new ClinicalNote("Addendum", "Patient reports sensitivity.", "2026-01-03", "signed", "n0te1d") { SignedBy = "u-3", SignedAt = Recorded },
        ["note-addendum-draft"] = new ClinicalNote("Addendum", "Sensitivity resolved.", "2026-01-04", "draft", "n0te1d"),
        ["document-min"] = new Document("Consent form", RecordCategory.TreatmentRecords, "2026-01-02", "application/pdf", "blob-1", 1234, Sha),
        ["document-full"] = new Document("Model of 36 preparation", RecordCategory.LabReports, "2026-01-02", "model/stl", "blob-2", 987654, Sha, "36", "lower jaw", "superseded"),
        ["document-body-part"] = new Document("Photo", RecordCategory.ClinicalNotes, "2026-01-02", "image/jpeg", "blob-3", 10, Sha, "", "upper lip"),
        ["lab-case-min"] = new LabCase("Acme Dental Lab", "Zirconia crown", "", [], [], ""),
        ["lab-case-full"] = new LabCase("Acme Dental Lab", "Zirconia crown, anatomic", "A2", ["36", "37"], ["1.2.840.113619.2.55.3.1", "d0c1d"], "2026-12-20", "returned", "r3p0rt")
        { Trail = [new StatusStep("sent", Created, "u-3")] },
        ["lab-case-checked"] = new LabCase("Acme Dental Lab", "Night guard", "", ["16"], [], "", "checked"),
        ["referral-min"] = new Referral("Dr Wong, oral surgeon", "", "Impacted 38.", [], "2026-01-02"),
        ["referral-full"] = new Referral("Queen Mary Hospital OMFS", "Oral and maxillofacial surgery", "Impacted 38 near the canal.", ["1.2.3.4.5", "d0c2"], "2026-01-02", "report-received", "r3p1y"),
        ["referral-seen"] = new Referral("Dr Wong", "Periodontics", "Bone loss.", [], "2026-01-02", "seen"),
    };

    public static RecordEntry Entry(EntryBody body, int version = 1, VersionStatus status = VersionStatus.Current, string id = "e7k2m9q4") =>
        new(new RecordRef(body.Kind, id, PatientKey, body.Category), version, body, "u-3", Recorded, version == 1 ? "" : "typo", status) { Created = Created };

    public static RecordEntry Withdrawn(EntryBody body) =>
        Entry(body, 2, VersionStatus.EnteredInError) with { Withdrawn = new StatusChange("u-4", Recorded.AddHours(1), "wrong patient") };

    public static Patient MinimalPatient() =>
        new(PatientKey, "north", PatientStatus.Active, new Demographics { Name = PatientName.Of("Chan", "Tai Man") }, [], new DataKeyId(Guid.Empty), 1, Created);

    public static Patient FullPatient() =>
        new(PatientKey, "north", PatientStatus.Deceased,
            new Demographics
            {
                Name = new PatientName(new NameGroup("Chan", "Tai Man", "T", "Mr", "Jr"), new NameGroup("陳", "大文"), new NameGroup("ちん", "だいぶん")),
                BirthDate = "19800229",
                Sex = "M",
                Contacts = [new ContactPoint(ContactKind.Phone, "+852 2345 6789", "mobile"), new ContactPoint(ContactKind.Email, "chan@example.org", "home"),
                    new ContactPoint(ContactKind.Address, "1 Queen's Road, Central, Hong Kong", "home"), new ContactPoint(ContactKind.Phone, "2345", "pager")],
                PreferredLanguage = "zh-Hant",
                DeceasedDate = "20260101",
            },
            [
                new PatientIdentifier(IdentifierType.ChartNumber, "north", "C-0042"),
                new PatientIdentifier(IdentifierType.DicomPatientId, "NORTH_PACS", "P0042"),
                new PatientIdentifier(IdentifierType.HongKongId, "HK", "A1234563"),
                new PatientIdentifier(IdentifierType.MainlandResidentId, "CN", "11010519491231002X"),
                new PatientIdentifier(IdentifierType.Passport, "GBR", "123456789"),
                new PatientIdentifier(IdentifierType.Other, "", "OLD-7") { Alias = true },
            ],
            new DataKeyId(Guid.Empty), 7, Created);

    public static Patient MergedPatient() => MinimalPatient() with { Status = PatientStatus.Merged, MergedInto = 4712 };
}
