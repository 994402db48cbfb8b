using Enamel.Core.Patients;

namespace Enamel.Core.Records;

/// <summary>
/// Whose a clinical record entry is (one resolver per entry kind, id = the entry id): the entry's patient and the
/// patient's clinic, with the category of the entry's latest version (a document's own filing category).
/// </summary>
public sealed class EntryOwnerResolver(RecordKind kind, IRecordEntryStore entries, IPatientStore patients) : IRecordOwnerResolver
{
    public RecordKind Kind => kind;

    public async Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct)
    {
        if (!kind.IsEntry || id.Length is 0 or > 64) return null;
        var entry = await entries.GetAsync(kind, id, ct);
        if (entry is null) return null;
        var patient = await patients.GetAsync(entry.PatientKey, ct);
        return patient is null ? null : new RecordOwner(entry.Ref, patient.Clinic);
    }
}
