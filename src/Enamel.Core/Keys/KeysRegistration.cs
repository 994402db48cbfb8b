using Microsoft.Extensions.DependencyInjection;

namespace Enamel.Core.Keys;

/// <summary>Key management verbs; needs <see cref="IMasterKeyVault"/> and the unit of work (checkpoints are re-signed inside its change).</summary>
public static class KeysRegistration
{
    public static IServiceCollection AddEnamelKeys(this IServiceCollection services)
    {
        services.AddSingleton<RotateMasterKey>();
        return services;
    }
}
