using Enamel.Core.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Records;

/// <summary>
/// The record kernel for `enamel serve` and the CLI alike: the owner resolver of every kind (the imaging kinds and the
/// patient, over <see cref="IStudyIndex"/> for now), <see cref="RecordOwners"/>, and the verbs
/// <see cref="MarkEnteredInError"/> and <see cref="ReadRecordHistory"/>. Needs the index, <see cref="IRecordHistory"/>
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
        services.AddSingleton<RecordOwners>();
        services.AddSingleton<MarkEnteredInError>();
        services.AddSingleton<ReadRecordHistory>();
        return services;
    }
}
