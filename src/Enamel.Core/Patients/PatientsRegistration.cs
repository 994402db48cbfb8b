using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Patients;

/// <summary>The patient verbs, for `enamel serve` and the CLI alike (the store is registered with the storage adapters).</summary>
public static class PatientsRegistration
{
    public static IServiceCollection AddEnamelPatients(this IServiceCollection services)
    {
        services.AddSingleton<RegisterPatient>();
        services.AddSingleton<FindPatients>();
        services.AddSingleton<AmendDemographics>();
        services.AddSingleton<MergePatients>();
        services.AddSingleton<MovePatient>();
        return services;
    }
}
