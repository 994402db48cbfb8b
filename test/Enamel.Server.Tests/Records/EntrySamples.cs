using Enamel.Core.Access;
using Enamel.Core.Documents;
using Enamel.Core.History;
using Enamel.Core.Insurance;
using Enamel.Core.LabCases;
using Enamel.Core.Notes;
using Enamel.Core.Records;
using Enamel.Core.Referrals;
using Enamel.Core.Treatment;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Tests.Records;

/// <summary>One valid body of every entry kind, and a helper that stores one of each for a patient (test set-up, no policy).</summary>
public static class EntrySamples
{
    public static IReadOnlyList<EntryBody> All { get; } =
    [
        new Coverage("AIA", "Dental Plus", "M-7781", "self", "self", "2026-01-01", ""),
        new LedgerLine("charge", "2026-01-10", "Records copy fee", 5000, "HKD"),
        new Condition(new Coding(Coding.Snomed, "44054006", "Diabetes mellitus type 2"), "active", "2019-05", "2026-01-10"),
        new Allergy(new Coding(Coding.Snomed, "91936005", "Allergy to penicillin"), "allergy", "medication", "high", "hives", "active", "2010", ""),
        new Medication(new Coding(Coding.RxNorm, "11289", "Warfarin"), "5 mg daily", "active", "2024-01", ""),
        new PastProcedure("surgery", Coding.Text("Appendectomy"), "2001", "Queen Mary Hospital"),
        new Procedure(new Coding(Coding.Local, "FILL-2", "Composite filling, two surfaces"), "36", "MO", "completed", "2026-01-10", "dr"),
        new Prescription(new Coding(Coding.RxNorm, "723", "Amoxicillin"), "500 mg", "oral", "three times daily", 5, "15 capsules", "dr", "2026-01-10"),
        new ClinicalNote("Exam", "Caries on 36 distal.", "2026-01-10"),
        new LabCase("Kowloon Dental Lab", "PFM crown", "A2", ["36"], [], "2027-01-20"),
        new Referral("Dr Lee, oral surgery", "oral surgery", "Impacted 38, please assess.", [], "2026-01-10"),
        new Document("Consent form", RecordCategory.Demographics, "2026-01-10", "application/pdf", "blob-sample", 1024, new string('a', 64)),
    ];

    /// <summary>Stores one entry of each kind for <paramref name="patientKey"/>; the ids by kind.</summary>
    public static async Task<IReadOnlyDictionary<RecordKind, string>> StoreAllAsync(IServiceProvider services, long patientKey)
    {
        var store = services.GetRequiredService<IRecordEntryStore>();
        var ids = new Dictionary<RecordKind, string>();
        foreach (var body in All)
        {
            Assert.Null(body.Check());
            ids[body.Kind] = (await store.AddAsync(patientKey, body, new VersionNote("test", "sample"), default)).Id;
        }
        Assert.Equal(RecordKind.Entries.ToHashSet(), ids.Keys.ToHashSet());
        return ids;
    }
}
