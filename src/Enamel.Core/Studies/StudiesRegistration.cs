using Enamel.Core.Blobs;
using Enamel.Core.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Studies;

/// <summary>The one ingest pipeline and the archive check, with the archive's limits, for `enamel serve` and the CLI alike.</summary>
public static class StudiesRegistration
{
    public static IServiceCollection AddEnamelStudies(this IServiceCollection services, IngestLimits limits, bool keepVersions)
    {
        services.AddSingleton(limits);
        services.AddSingleton(sp => new StoreInstance(sp.GetRequiredService<IBlobStore>(), sp.GetRequiredService<IKeyring>(),
            sp.GetRequiredService<IStudyIndex>(), sp.GetRequiredService<Patients.IPatientStore>(), sp.GetRequiredService<Records.IUnitOfWork>(), keepVersions, limits));
        services.AddSingleton(sp => new VerifyArchive(sp.GetRequiredService<IStudyIndex>(), sp.GetRequiredService<IBlobStore>(), limits));
        return services;
    }
}
