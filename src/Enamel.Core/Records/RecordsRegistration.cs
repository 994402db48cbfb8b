using Enamel.Core.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Records;

/// <summary>
/// The record kernel for `enamel serve` and the CLI alike: the owner resolver of every kind (the imaging kinds and the
/// patient, over <see cref="IStudyIndex"/> for now), <see cref="RecordOwners"/>, and the verbs
/// <see cref="MarkEnteredInError"/>, <see cref="ReadRecordHistory"/> and the clinical record's <see cref="RecordEntries"/> (with an
/// <see cref="EntryOwnerResolver"/> per entry kind). Needs the index, <see cref="IRecordHistory"/>, <see cref="IRecordEntryStore"/>
/// (registered with the storage adapters), the policy and a <see cref="TimeProvider"/>.
/// </summary>
public static class RecordsRegistration
{
    public static IServiceCollection AddEnamelRecords(this IServiceCollection services)
    {
        services.AddSingleton<IRecordOwnerResolver>(sp => new StudyOwnerResolver(sp.GetRequiredService<IStudyIndex>()));
        services.AddSingleton<IRecordOwnerResolver>(sp => new SeriesOwnerResolver(sp.GetRequiredService<IStudyIndex>()));
        services.AddSingleton<IRecordOwnerResolver>(sp => new InstanceOwnerResolver(sp.GetRequiredService<IStudyIndex>()));
        services.AddSingleton<IRecordOwnerResolver>(sp => new IndexPatientOwnerResolver(sp.GetRequiredService<IStudyIndex>()));
        foreach (var kind in RecordKind.Entries)
            services.AddSingleton<IRecordOwnerResolver>(sp => new EntryOwnerResolver(kind, sp.GetRequiredService<IRecordEntryStore>(), sp.GetRequiredService<Patients.IPatientStore>()));
        services.AddSingleton<RecordOwners>();
        services.AddSingleton<RecordEntries>();
        services.AddSingleton<LoadRecord>();
        services.AddSingleton<Documents.DocumentVerbs>();
        services.AddSingleton<MarkEnteredInError>();
        services.AddSingleton<ReadRecordHistory>();
        return services;
    }
}
