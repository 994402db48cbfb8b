using Enamel.Core.Access;
using Enamel.Core.Records;

namespace Enamel.Core.Studies;

/// <summary>Whose a study is (<see cref="RecordKind.Study"/>, id = Study Instance UID): its patient and the patient's clinic.</summary>
public sealed class StudyOwnerResolver(IStudyIndex index) : IRecordOwnerResolver
{
    public RecordKind Kind => RecordKind.Study;

    public async Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct) =>
        ImagingOwners.Of(Kind, id, await index.FindStudyPatientAsync(id, ct));
}

/// <summary>Whose a series is (<see cref="RecordKind.Series"/>, id = Series Instance UID): series → study → patient.</summary>
public sealed class SeriesOwnerResolver(IStudyIndex index) : IRecordOwnerResolver
{
    public RecordKind Kind => RecordKind.Series;

    public async Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct) =>
        ImagingOwners.Of(Kind, id, await index.FindSeriesPatientAsync(id, ct));
}

/// <summary>
/// Whose an instance is (<see cref="RecordKind.Instance"/>, id = SOP Instance UID): instance → patient. An instance marked
/// entered-in-error still resolves (its history stays readable); the reads themselves no longer return it.
/// </summary>
public sealed class InstanceOwnerResolver(IStudyIndex index) : IRecordOwnerResolver
{
    public RecordKind Kind => RecordKind.Instance;

    public async Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct) =>
        ImagingOwners.Of(Kind, id, await index.FindInstancePatientAsync(id, ct));
}

/// <summary>
/// Whose a patient record is (<see cref="RecordKind.Patient"/>, id = patient key) — for now over the study index's patient
/// rows; one class to repoint once patients have their own store.
/// </summary>
public sealed class IndexPatientOwnerResolver(IStudyIndex index) : IRecordOwnerResolver
{
    public RecordKind Kind => RecordKind.Patient;

    public async Task<RecordOwner?> ResolveAsync(string id, CancellationToken ct) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key)
        && await index.FindPatientByKeyAsync(key, ct) is { } patient
            ? new RecordOwner(RecordRef.ForPatient(patient.PatientKey), patient.Clinic)
            : null;
}

/// <summary>The owner resolvers over the study index.</summary>
public static class ImagingOwners
{
    internal static RecordOwner? Of(RecordKind kind, string id, StudyPatient? patient) =>
        patient is null ? null : new RecordOwner(new RecordRef(kind, id, patient.PatientKey, RecordCategory.Imaging), patient.Clinic);

    /// <summary>Every imaging kind's resolver and the patient resolver over <paramref name="index"/>.</summary>
    public static IReadOnlyList<IRecordOwnerResolver> All(IStudyIndex index) =>
        [new StudyOwnerResolver(index), new SeriesOwnerResolver(index), new InstanceOwnerResolver(index), new IndexPatientOwnerResolver(index)];
}
