using Enamel.Core.Records;
using Enamel.Core.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Server.Records;

/// <summary>The record kernel's services: the owner resolver of every kind, the version history, and its verbs.</summary>
public static class RecordsServices
{
    /// <summary>
    /// Registers the imaging kinds' owner resolvers and the patient resolver (both over <paramref name="index"/> for now),
    /// <see cref="RecordOwners"/>, <paramref name="history"/>, <see cref="MarkEnteredInError"/> and <see cref="ReadRecordHistory"/>.
    /// Needs AccessPolicy and TimeProvider registered.
    /// </summary>
    public static IServiceCollection AddRecords(this IServiceCollection services, IStudyIndex index, IRecordHistory history)
    {
        foreach (var resolver in ImagingOwners.All(index)) services.AddSingleton(resolver);
        services.AddSingleton<RecordOwners>();
        services.AddSingleton(history);
        services.AddSingleton<MarkEnteredInError>();
        services.AddSingleton<ReadRecordHistory>();
        return services;
    }
}
